import type { Db as IDatabase } from "pg-boss";
import type { Tx } from "@/server/db/client";

/**
 * Lets pg-boss run its SQL on the caller's transaction, so a job is inserted in the same
 * transaction as the state change that needs it (committed together or not at all).
 */
export function bossExecutor({ client }: Tx): IDatabase {
  return { executeSql: async (text, values = []) => ({ rows: (await client.query(text, values)).rows }) };
}
