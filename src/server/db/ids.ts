import { v7 } from "uuid";
import { Prisma } from "@/generated/prisma/client";

/**
 * Every row id the product mints is time-ordered (UUID version 7, docs/adr/0021-time-ordered-ids.md):
 * new rows go to the right-hand edge of their indexes instead of a random leaf. `at` is for
 * history written after the fact, so its ids sort with its time.
 */
export function newId(at?: Date): string {
  return at ? v7({ msecs: at.getTime() }) : v7();
}

/** The same, minted inside a statement (one per row): the migration's `time_ordered_uuid()`. */
export function newIdSql(at?: Prisma.Sql): Prisma.Sql {
  return at ? Prisma.sql`time_ordered_uuid(${at})` : Prisma.sql`time_ordered_uuid()`;
}
