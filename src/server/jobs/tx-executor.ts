import type { Db as IDatabase } from "pg-boss";
import type { Tx } from "@/server/db/client";

/**
 * Lets pg-boss run its SQL on a Prisma interactive transaction, so a job is inserted in the same
 * transaction as the state change that needs it (committed together or not at all).
 */
export function bossExecutor(tx: Tx): IDatabase {
  return {
    executeSql: async (text, values = []) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
  };
}
