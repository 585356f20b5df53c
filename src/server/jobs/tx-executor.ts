import type { Db as IDatabase } from "pg-boss";
import { runStatement, type Tx } from "@/server/db/client";
import { preparable } from "@/server/db/preparing-client";

/**
 * Lets pg-boss run its SQL on the caller's transaction, so a job is inserted in the same
 * transaction as the state change that needs it (committed together or not at all). As prepared
 * statements, by PreparingClient's rule (only those with parameters): pg-boss's job insert is one fixed text whose planning (its ON CONFLICT arbiters)
 * cost more than its execution (docs/adr/0026-prepared-statements-on-the-execution-path.md).
 */
export function bossExecutor({ client }: Tx): IDatabase {
  return {
    executeSql: async (text, values = []) => ({
      rows: (await runStatement(client, text, values, { prepared: preparable(values) })).rows,
    }),
  };
}
