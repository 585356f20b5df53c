import type { PgBoss, Queue } from "pg-boss";
import { z } from "zod";
import { type Db, db, isConnectionError, type Tx } from "@/server/db/client";
import { groupCommit } from "@/server/db/group-commit";
import { perDb } from "@/server/db/per-db";
import { notifyJobQueue } from "@/server/db/stores/job-queue";
import { senderBoss } from "@/server/jobs/boss";
import { bossExecutor } from "@/server/jobs/tx-executor";
import { logger } from "@/server/logger";
import { type ExecutionSettings, executionSettings } from "./settings";

/** The execution queue: name, payload and options in one place (docs/adr/0006-one-execution-job-per-attempt.md). */
export const EXECUTE_QUEUE = "remediation-execute";

export const executePayloadSchema = z.object({ actionId: z.string(), organizationId: z.string() });
export type ExecutePayload = z.infer<typeof executePayloadSchema>;

/**
 * One job = one attempt. Executor retries do NOT go through pg-boss's retry: after a transient
 * failure the handler records EXECUTION_RETRY and, in that same transaction, completes its job
 * and creates the next one with `startAfter` = now + the backoff. That is as crash-safe as
 * pg-boss's retryDelay (the pending retry is a row, not a sleeping process), keeps the action's
 * `attempts` and `lostAttempts` the one count of attempts, and makes the recorded next delay
 * exact. pg-boss's own retries (retryLimit) are left for re-delivery when a worker dies
 * (heartbeat) or a handler hits a database error; the re-delivered job re-runs the lost attempt,
 * which does not use up a retry (attempts.ts).
 *
 * `exclusive`: at most one created/retry/active job per singletonKey (= actionId). A second
 * enqueue of an action that already has a pending or running job inserts nothing, and two
 * workers can never hold jobs for the same action at once.
 */
export function executeQueueOptions(settings: ExecutionSettings = executionSettings()): Omit<Queue, "name"> {
  return {
    policy: "exclusive",
    // No NOTIFY from inside the inserting transaction: the job's committer wakes the workers
    // after its commit instead (wakeExecutionWorkers below).
    notify: false,
    retryLimit: 5,
    retryDelay: 1,
    retryBackoff: true,
    retryDelayMax: 60,
    // One attempt is bounded by the executor timeout; the margin covers the database writes.
    expireInSeconds: Math.ceil(settings.attemptBoundMs / 1000) + 60,
    // A worker that dies mid-attempt stops touching its job; pg-boss re-delivers it after this.
    heartbeatSeconds: settings.heartbeatSeconds,
  };
}

let queueReady: Promise<void> | undefined;

/** Creates the queue once per process (idempotent across processes); call before `enqueueExecution`. */
export function ensureExecuteQueue(): Promise<void> {
  queueReady ??= senderBoss()
    .then((boss) => boss.createQueue(EXECUTE_QUEUE, executeQueueOptions()))
    .catch((err) => {
      queueReady = undefined;
      throw err;
    });
  return queueReady;
}

/**
 * The one way to put an action on the execution queue: inserts the job inside `tx` (the
 * transaction that moved the action to QUEUED, or recorded the retry), optionally due at
 * `startAfter`. The singleton key makes a second enqueue of an action that still has a pending
 * or running job a no-op. Returns whether a job was created. `boss`: the worker's own instance,
 * when the caller has one (the sender instance otherwise).
 */
export async function enqueueExecution(
  tx: Tx,
  payload: ExecutePayload,
  options: { startAfter?: Date; boss?: PgBoss } = {},
): Promise<boolean> {
  const boss = options.boss ?? (await senderBoss());
  const id = await boss.send(EXECUTE_QUEUE, payload, {
    db: bossExecutor(tx),
    singletonKey: payload.actionId,
    ...(options.startAfter ? { startAfter: options.startAfter } : {}),
  });
  // A job due now wakes the workers once it is committed; a delayed one is found by their poll.
  if (id !== null && !options.startAfter) tx.afterCommit(() => wakeExecutionWorkers(db()));
  return id !== null;
}

/** The queue's job table (its own when partitioned), for the reconciler's "no live job" check. */
export async function executeJobTable(boss: PgBoss): Promise<{ queue: string; table: string }> {
  const queue = await boss.getQueue(EXECUTE_QUEUE);
  return { queue: EXECUTE_QUEUE, table: queue?.table ?? "job" };
}

/**
 * Wakes the execution workers for jobs that just committed (docs/adr/0019-execution-wake-after-commit.md).
 * pg-boss's own NOTIFY for a queue (its `notify` option) is sent from inside the inserting
 * transaction, and PostgreSQL serialises notifying commits through their WAL flush: every request
 * that queues an action would commit one at a time. So the queue does not notify, and this sends
 * the same notification — pg-boss's own statement on its own channel, which every worker's
 * pg-boss LISTENs to and answers by fetching — after the commit, in a statement that writes
 * nothing (no WAL flush while holding the lock). Wakes asked for while one is in flight go
 * together as the next one. Fire and forget: a lost wake costs a worker's 1 s poll, not a job.
 */
function wakeExecutionWorkers(database: Db): void {
  wakers(database)().catch((err) => {
    if (isConnectionError(err)) logger().warn({ err }, "could not wake the execution workers");
    else logger().error({ err }, "could not wake the execution workers");
  });
}

const wakers = perDb((database) =>
  groupCommit<void, void>({
    maxBatch: Number.POSITIVE_INFINITY,
    run: async (group) => {
      await notifyJobQueue(database, EXECUTE_QUEUE);
      return group.map(() => undefined);
    },
  }),
);
