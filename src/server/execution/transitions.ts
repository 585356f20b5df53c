import type { PgBoss } from "pg-boss";
import { type Db, type Tx, transaction } from "@/server/db/client";
import { groupCommit } from "@/server/db/group-commit";
import { perDb } from "@/server/db/per-db";
import * as actions from "@/server/db/stores/actions";
import { enqueueExecution } from "./queue";

/**
 * What each execution outcome writes (docs/behaviour.md#execution): the details.execution patch
 * and the event data. The statements themselves (conditional on the current attempt) are the
 * actions store's.
 */

export const LOST_EXECUTION_ERROR = "Execution lost: worker stopped responding";

/** EXECUTING (this attempt) → COMPLETED with the executor's output. */
export function completeAttempt(
  db: Db,
  action: actions.AttemptRef & { startedAt: string },
  result: { executor: string; output: unknown; outputTruncated?: boolean | undefined },
): Promise<boolean> {
  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - Date.parse(action.startedAt);
  return completions(db)({
    action: { id: action.id, organizationId: action.organizationId, attempts: action.attempts },
    execution: {
      executor: result.executor,
      attempts: action.attempts,
      finishedAt: finishedAt.toISOString(),
      durationMs,
      output: result.output ?? null,
      ...(result.outputTruncated ? { outputTruncated: true } : {}),
    },
    event: { attempt: action.attempts, executor: result.executor, durationMs },
  });
}

/**
 * The completions of one database, group-committed (docs/adr/0017-execution-outcomes-group-committed.md):
 * the outcomes of a fetched batch arrive together, and each one's statement would otherwise be a
 * commit of its own contending for the same counter stripes.
 */
const completions = perDb((db) =>
  groupCommit({
    // A worker has at most two fetched batches of 8 in flight (jobs.ts).
    maxBatch: 16,
    key: (c: actions.AttemptCompletion) => actions.actionKey(c.action.organizationId, c.action.id),
    run: (group) => actions.acrossOrganizationsCompleteAttempts(db, group),
  }),
);

/**
 * EXECUTING (this attempt) → FAILED with `error` (the last attempt's error). `lost`: the attempt's
 * worker died and this loss was the last one allowed (attempts.ts); it is counted too.
 */
export function failAttempt(
  db: Db,
  action: actions.AttemptRef & { startedAt?: string | undefined; lostAttempts?: number },
  result: { executor: string; error: string; staleBefore?: Date; lost?: boolean },
): Promise<boolean> {
  const finishedAt = new Date();
  return actions.failAttempt(db, action, {
    error: result.error,
    execution: {
      executor: result.executor,
      attempts: action.attempts,
      finishedAt: finishedAt.toISOString(),
      ...(action.startedAt ? { durationMs: finishedAt.getTime() - Date.parse(action.startedAt) } : {}),
      error: result.error,
    },
    event: {
      attempt: action.attempts,
      executor: result.executor,
      error: result.error,
      ...(result.lost ? { lostAttempts: (action.lostAttempts ?? 0) + 1 } : {}),
    },
    ...(result.staleBefore ? { staleBefore: result.staleBefore } : {}),
    ...(result.lost ? { lost: true } : {}),
  });
}

/**
 * Keeps the action EXECUTING through the backoff, records the retry and, in the same
 * transaction, hands the attempt over to a new job due after the delay (`beforeEnqueue` releases
 * the current job first: the queue holds one live job per action). `lost`: the reconciler re-runs
 * an attempt whose worker died; the loss is counted (attempts.ts), not a retry.
 */
export function recordRetry(
  db: Db,
  action: actions.AttemptRef,
  retry: { error: string; delayMs: number; staleBefore?: Date; lost?: boolean },
  queue: { boss: PgBoss; beforeEnqueue?: (tx: Tx) => Promise<void> },
): Promise<boolean> {
  const nextAttemptAt = new Date(Date.now() + retry.delayMs);
  return transaction(db, async (tx) => {
    const recorded = await actions.recordAttemptRetry(tx, action, {
      execution: { lastError: retry.error, nextAttemptAt: nextAttemptAt.toISOString() },
      event: {
        attempt: action.attempts,
        error: retry.error,
        nextAttempt: action.attempts + 1,
        nextDelayMs: retry.delayMs,
        nextAttemptAt: nextAttemptAt.toISOString(),
      },
      ...(retry.staleBefore ? { staleBefore: retry.staleBefore } : {}),
      ...(retry.lost ? { lost: true } : {}),
    });
    if (!recorded) return false;
    await queue.beforeEnqueue?.(tx);
    await enqueueExecution(
      tx,
      { actionId: action.id, organizationId: action.organizationId },
      { startAfter: nextAttemptAt, boss: queue.boss },
    );
    return true;
  });
}
