import type { Job, PgBoss, WorkOptions } from "pg-boss";
import { z } from "zod";
import { db, isConnectionError } from "@/server/db/client";
import { isUuid, orgScope } from "@/server/db/scoped";
import type { ClaimedAction } from "@/server/db/stores/actions";
import { defineJob, type JobDefinition } from "@/server/jobs/definition";
import { bossExecutor } from "@/server/jobs/tx-executor";
import { logger } from "@/server/logger";
import { EXECUTE_QUEUE, type ExecutePayload, executePayloadSchema, executeQueueOptions } from "./queue";
import {
  acrossOrganizationsRecoverLostExecutions,
  acrossOrganizationsRequeueJoblessActions,
} from "./recover-executions";
import { claimBatch, runExecution } from "./run-execution";
import { type ExecutionSettings, executionSettings } from "./settings";

export const EXECUTE_WORK: WorkOptions = {
  // Up to batchSize × localConcurrency attempts in flight per process; one fetch claims a batch.
  // (Exported for bench P5's bare pg-boss baseline, which works its no-op jobs with these.)
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
};

/**
 * Runs queued remediations (docs/behaviour.md#execution): one job = one attempt of one action.
 * See queue.ts for why retries are new delayed jobs rather than pg-boss retries. Without
 * `settings`, the environment's are read on every use (as `executeJob` does in production).
 */
export function createExecuteJob(settings?: ExecutionSettings): JobDefinition<ExecutePayload> {
  const current = () => settings ?? executionSettings();
  return defineJob<ExecutePayload>({
    name: EXECUTE_QUEUE,
    payload: executePayloadSchema,
    get queue() {
      return executeQueueOptions(current());
    },
    work: EXECUTE_WORK,
    async handle(jobs, boss) {
      const resolved = current();
      // One statement claims the batch's actions (docs/adr/0013-one-claim-per-fetched-batch.md);
      // if it fails, every job fails on its own below, as a failed claim of its own would.
      const claims = claimBatch(
        db(),
        jobs.map((job) => job.data),
        resolved,
      );
      claims.catch(() => {});
      // Each job settles on its own: one failing does not send its batch-mates back to the queue.
      const settled = await Promise.all(
        jobs.map((job, i) =>
          executeOne(
            job,
            boss,
            resolved,
            claims.then((all) => all[i]),
          ),
        ),
      );
      // A job whose failure could not be recorded (the database was unreachable) must not be
      // completed with its batch once the database is back: throwing makes pg-boss fail the
      // batch's unsettled jobs instead (a finished batch-mate's re-delivery is acknowledged as
      // terminal), and if even that cannot reach the database, their heartbeat runs out.
      const unsettled = settled.filter((ok) => !ok).length;
      if (unsettled > 0) throw new Error(`${unsettled} execution job(s) could not be failed; re-delivering`);
    },
  });
}

export const executeJob = createExecuteJob();

/** Runs one job; false when it failed and even recording that failure did not reach the database. */
async function executeOne(
  job: Job<ExecutePayload>,
  boss: PgBoss,
  settings: ExecutionSettings,
  claim: Promise<ClaimedAction | null | undefined>,
): Promise<boolean> {
  const { actionId, organizationId } = job.data;
  const attempt = { id: job.id, retryCount: job.retryCount };
  try {
    if (!isUuid(actionId)) {
      logger().warn({ actionId }, "execution job for a malformed action id ignored");
      return true;
    }
    const result = await runExecution(
      { db: db(), scope: orgScope(organizationId) },
      {
        actionId,
        signal: job.signal,
        settings,
        claimed: await claim,
        queue: {
          boss,
          // Release this job first: the queue holds one live job per action (policy exclusive).
          beforeEnqueue: (tx) => boss.complete(EXECUTE_QUEUE, attempt, null, { db: bossExecutor(tx) }).then(() => {}),
        },
      },
    );
    logger().debug({ actionId, jobId: job.id, result }, "execution job handled");
    return true;
  } catch (err) {
    // Re-delivered by pg-boss (retryLimit, backoff); if the attempt was claimed, the next delivery
    // re-runs it as a lost attempt (attempts.ts). An aborted job (shutdown grace spent, heartbeat
    // lost) has already been handed back. The database being unreachable (a restart) is expected
    // to pass: a warning; when even the fail below cannot reach it, see `handle`.
    if (job.signal.aborted) logger().warn({ actionId, jobId: job.id }, "execution attempt abandoned");
    else if (isConnectionError(err))
      logger().warn({ err, actionId, jobId: job.id }, "execution job: database unavailable");
    else logger().error({ err, actionId, jobId: job.id }, "execution job failed");
    return boss.fail(EXECUTE_QUEUE, attempt, { message: err instanceof Error ? err.message : String(err) }).then(
      () => true,
      (failErr) => {
        if (isConnectionError(failErr)) logger().warn({ err: failErr, jobId: job.id }, "could not fail execution job");
        else logger().error({ err: failErr, jobId: job.id }, "could not fail execution job");
        return false;
      },
    );
  }
}

/**
 * Every minute, the safety net under pg-boss's own re-delivery: no action stays EXECUTING
 * forever after its worker died, and no QUEUED action stays without a job.
 */
export function createReconcileExecutionsJob(settings?: ExecutionSettings): JobDefinition<Record<string, never>> {
  return defineJob<Record<string, never>>({
    name: "remediation-reconcile-executions",
    payload: z.object({}) as unknown as z.ZodType<Record<string, never>>,
    cron: "* * * * *",
    // The next minute's pass is the retry; a pass never runs long.
    queue: { retryLimit: 0, expireInSeconds: 300 },
    async handle(_jobs, boss) {
      const options = { settings: settings ?? executionSettings() };
      const lost = await acrossOrganizationsRecoverLostExecutions({ db: db(), boss }, options);
      const jobless = await acrossOrganizationsRequeueJoblessActions({ db: db(), boss });
      if (lost.requeued + lost.failed + jobless.requeued > 0) {
        logger().warn({ lost, jobless }, "execution reconciler recovered actions");
      }
    },
  });
}

const reconcileExecutionsJob = createReconcileExecutionsJob();

/** The execution domain's jobs, for the worker's registry. */
export const EXECUTION_JOBS = [executeJob, reconcileExecutionsJob];
