import type { Job, PgBoss } from "pg-boss";
import { z } from "zod";
import { db } from "@/server/db/client";
import { isUuid, orgScope } from "@/server/db/scoped";
import { runExecution } from "@/server/execution/run-execution";
import { scheduleExecution } from "@/server/execution/schedule-execution";
import { logger } from "@/server/logger";
import type { ExecutePayload } from "@/server/remediation/enqueue-execution";
import { defineJob } from "./definition";
import { QUEUE_OPTIONS, REMEDIATION_EXECUTE_QUEUE } from "./queues";
import { bossExecutor } from "./tx-executor";

const payload = z.object({ actionId: z.string(), organizationId: z.string() });

/**
 * Runs queued remediations (contract §8): one job = one attempt of one action. See queues.ts for
 * why retries are new delayed jobs rather than pg-boss retries.
 */
export const remediationExecuteJob = defineJob<ExecutePayload>({
  name: REMEDIATION_EXECUTE_QUEUE,
  payload,
  get queue() {
    return QUEUE_OPTIONS[REMEDIATION_EXECUTE_QUEUE];
  },
  work: {
    // Up to batchSize × localConcurrency attempts in flight per process; one fetch claims a batch.
    // Every NOTIFY wakes every fetch loop of the process, so each extra loop is mostly empty
    // fetches: 2 loops (one fetches while the other runs its batch) instead of 4 cut pg-boss's
    // PostgreSQL CPU per action by 40–60% (bench P5); 1 loop of 8 could not keep up with 300/s.
    batchSize: 8,
    localConcurrency: 2,
    // NOTIFY wakes workers for new jobs; a retry's job becomes due at its startAfter, which no
    // NOTIFY announces, so the backstop poll stays short (it bounds the extra wait after a backoff).
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
    // With a backlog, fetch again right after a full batch instead of waiting out the poll.
    burstWhenBatchFull: true,
  },
  async handle(jobs, boss) {
    // Each job settles on its own: one failing does not send its batch-mates back to the queue.
    await Promise.all(jobs.map((job) => executeOne(job, boss)));
  },
});

async function executeOne(job: Job<ExecutePayload>, boss: PgBoss): Promise<void> {
  const { actionId, organizationId } = job.data;
  const attempt = { id: job.id, retryCount: job.retryCount };
  try {
    if (!isUuid(actionId)) {
      logger().warn({ actionId }, "execution job for a malformed action id ignored");
      return;
    }
    const result = await runExecution(
      { db: db(), scope: orgScope(organizationId) },
      {
        actionId,
        signal: job.signal,
        scheduleNextAttempt: async (tx, startAfter) => {
          // Release this job first: the queue holds one live job per action (policy exclusive).
          await boss.complete(REMEDIATION_EXECUTE_QUEUE, attempt, null, { db: bossExecutor(tx) });
          await scheduleExecution(boss, tx, { actionId, organizationId }, startAfter);
        },
      },
    );
    logger().debug({ actionId, jobId: job.id, result }, "execution job handled");
  } catch (err) {
    // Re-delivered by pg-boss (retryLimit, backoff); the next delivery re-runs it as a new attempt.
    // An aborted job (shutdown grace spent, heartbeat lost) has already been handed back.
    if (job.signal.aborted) logger().warn({ actionId, jobId: job.id }, "execution attempt abandoned");
    else logger().error({ err, actionId, jobId: job.id }, "execution job failed");
    await boss
      .fail(REMEDIATION_EXECUTE_QUEUE, attempt, { message: err instanceof Error ? err.message : String(err) })
      .catch((failErr) => logger().error({ err: failErr, jobId: job.id }, "could not fail execution job"));
  }
}
