import type { PgBoss } from "pg-boss";
import type { Tx } from "@/server/db/client";
import { REMEDIATION_EXECUTE_QUEUE } from "@/server/jobs/queues";
import { bossExecutor } from "@/server/jobs/tx-executor";
import type { ExecutePayload } from "@/server/remediation/enqueue-execution";

/**
 * Creates the job for an action's next attempt inside `tx`, optionally due later. Same key as
 * enqueueExecution, so it inserts nothing while the action still has a pending or running job.
 * Returns whether a job was created.
 */
export async function scheduleExecution(
  boss: PgBoss,
  tx: Tx,
  payload: ExecutePayload,
  startAfter?: Date,
): Promise<boolean> {
  const id = await boss.send(REMEDIATION_EXECUTE_QUEUE, payload, {
    db: bossExecutor(tx),
    singletonKey: payload.actionId,
    ...(startAfter ? { startAfter } : {}),
  });
  return id !== null;
}
