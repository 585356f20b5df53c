import type { PgTx, Tx } from "@/server/db/client";
import { senderBoss } from "@/server/jobs/boss";
import { QUEUE_OPTIONS, REMEDIATION_EXECUTE_QUEUE } from "@/server/jobs/queues";
import { bossExecutor } from "@/server/jobs/tx-executor";

export interface ExecutePayload {
  actionId: string;
  organizationId: string;
}

let queueReady: Promise<void> | undefined;

/** Created once per process; idempotent across processes. */
export function ensureExecuteQueue(): Promise<void> {
  queueReady ??= senderBoss()
    .then((boss) => boss.createQueue(REMEDIATION_EXECUTE_QUEUE, QUEUE_OPTIONS[REMEDIATION_EXECUTE_QUEUE]))
    .catch((err) => {
      queueReady = undefined;
      throw err;
    });
  return queueReady;
}

/**
 * Inserts the execution job inside `tx` (the transaction that set the action QUEUED). The
 * singleton key makes a second enqueue of the same action while one is pending a no-op.
 * Call `ensureExecuteQueue()` before opening the transaction.
 */
export async function enqueueExecution(tx: Tx | PgTx, payload: ExecutePayload): Promise<void> {
  const boss = await senderBoss();
  await boss.send(REMEDIATION_EXECUTE_QUEUE, payload, { db: bossExecutor(tx), singletonKey: payload.actionId });
}
