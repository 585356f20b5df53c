import type { Db as IDatabase } from "pg-boss";
import type { PgTx, Tx } from "@/server/db/client";

/**
 * Lets pg-boss run its SQL on the caller's transaction (a Prisma interactive transaction or a
 * `PgTx`), so a job is inserted in the same transaction as the state change that needs it
 * (committed together or not at all).
 */
export function bossExecutor(tx: Tx | PgTx): IDatabase {
  if ("client" in tx) {
    const { client } = tx;
    return { executeSql: async (text, values = []) => ({ rows: (await client.query(text, values)).rows }) };
  }
  return {
    executeSql: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
  };
}
