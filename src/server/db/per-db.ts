import type { Db } from "./client";

/**
 * One `create(db)` per database client, made on first use and kept as long as the client: the
 * per-`Db` state of group commits and coalesced reads (a test's own client never shares it).
 */
export function perDb<T>(create: (db: Db) => T): (db: Db) => T {
  const made = new WeakMap<Db, T>();
  return (db) => {
    let value = made.get(db);
    if (value === undefined) {
      value = create(db);
      made.set(db, value);
    }
    return value;
  };
}
