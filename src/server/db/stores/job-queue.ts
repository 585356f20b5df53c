import { notifyQueue } from "pg-boss/dist/plans.js";
import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/**
 * pg-boss's queue notification (its own statement: its channel, the queue's name as payload), sent
 * on its own rather than from inside a job insert: every worker's pg-boss LISTENs to it and wakes
 * the queue's fetch loops (docs/adr/0019-execution-wake-after-commit.md). Writes nothing.
 */
export async function notifyJobQueue(q: Queryable, queue: string): Promise<void> {
  await queryRows(q, Prisma.raw(notifyQueue("pgboss", queue)), { prepared: true });
}
