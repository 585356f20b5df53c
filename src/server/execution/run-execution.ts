import type { PgBoss } from "pg-boss";
import type { Db, Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import * as actions from "@/server/db/stores/actions";
import { logger } from "@/server/logger";
import { countExecution, observeExecutor } from "@/server/metrics/registry";
import { afterWorkerLoss, countedAttempts, mayRetryAfterTransientFailure } from "./attempts";
import { createExecutor } from "./executors/registry";
import type { ExecutionOutcome, Executor } from "./executors/types";
import { type ExecutionSettings, executionSettings, retryDelayMs } from "./settings";
import { completeAttempt, failAttempt, LOST_EXECUTION_ERROR, recordRetry } from "./transitions";

export type ExecutionResult =
  | "missing"
  | "ignored"
  | "raced"
  | "completed"
  | "failed"
  | "retry-scheduled"
  | "lost-and-failed";

/**
 * Runs one job's attempt for one action: claim it (QUEUED, or EXECUTING left by a retry or a dead
 * worker), call the executor, record the outcome. Idempotent per delivery: a job for a terminal
 * or unknown action is acknowledged and ignored, and a stale worker cannot overwrite a newer
 * attempt. Throws only when the attempt must be re-run elsewhere (the worker lost the job, or
 * the database failed); the caller then lets pg-boss re-deliver the job, whose claim re-runs the
 * attempt as a lost one (attempts.ts: it does not use up a retry).
 */
export async function runExecution(
  { db, scope }: { db: Db; scope: OrgScope },
  input: {
    actionId: string;
    signal: AbortSignal;
    /** The next attempt's job: the worker's pg-boss, and what to do in the retry's transaction first. */
    queue: { boss: PgBoss; beforeEnqueue?: (tx: Tx) => Promise<void> };
    /** Default: the environment's (README "Configuration"). */
    settings?: ExecutionSettings;
    executor?: Executor;
    /**
     * The claim already made for this action with its batch (claimBatch): the row, or null when
     * it was not claimable. Undefined: this call claims it itself.
     */
    claimed?: actions.ClaimedAction | null;
  },
): Promise<ExecutionResult> {
  const result = await runAttempt({ db, scope }, input);
  countExecution(scope.organizationId, result);
  return result;
}

async function runAttempt(
  { db, scope }: { db: Db; scope: OrgScope },
  input: Parameters<typeof runExecution>[1],
): Promise<ExecutionResult> {
  const settings = input.settings ?? executionSettings();
  const executor = input.executor ?? createExecutor(settings);
  // The common case in one statement: claim, then look only when there was nothing to claim.
  const claimed =
    input.claimed !== undefined
      ? input.claimed
      : await actions.claimAttempt(db, scope.organizationId, {
          actionId: input.actionId,
          ...claimInput(executor.name, settings),
        });
  if (!claimed) return notClaimed(db, scope, input.actionId, executor.name, settings);

  const started = performance.now();
  const outcome = await attempt(executor, claimed, input.signal);
  observeExecutor(
    executor.name,
    outcome.ok ? "ok" : outcome.transient ? "transient" : "error",
    (performance.now() - started) / 1000,
  );
  return record(db, claimed, executor.name, outcome, settings, input.queue);
}

function claimInput(executor: string, settings: ExecutionSettings): actions.ClaimInput {
  return {
    executor,
    maxAttempts: settings.maxAttempts,
    maxLostAttempts: settings.maxLostAttempts,
    startedAt: new Date().toISOString(),
  };
}

/**
 * Claims the actions of a fetched batch in one statement, one commit for the batch instead of
 * one per action (docs/adr/0013-one-claim-per-fetched-batch.md), under the same rule as
 * runExecution's own claim. Returns, per job (in order), what to pass as `claimed`: the claimed
 * row, null when the action was not claimable, or undefined for a job whose action another job
 * of the batch already names (it claims on its own afterwards, as it did before batching).
 */
export async function claimBatch(
  db: Db,
  jobs: readonly { organizationId: string; actionId: string }[],
  settings: ExecutionSettings,
): Promise<(actions.ClaimedAction | null | undefined)[]> {
  const key = (k: { organizationId: string; actionId: string }) => actions.actionKey(k.organizationId, k.actionId);
  const seen = new Set<string>();
  const first = jobs.map((job) => {
    const isFirst = !seen.has(key(job));
    seen.add(key(job));
    return isFirst;
  });
  const claimed = await actions.acrossOrganizationsClaimAttempts(
    db,
    jobs.filter((_, i) => first[i]),
    claimInput(createExecutor(settings).name, settings),
  );
  const byKey = new Map(claimed.map((row) => [key({ organizationId: row.organizationId, actionId: row.id }), row]));
  return jobs.map((job, i) => (first[i] ? (byKey.get(key(job)) ?? null) : undefined));
}

/**
 * Why there was nothing to claim. An EXECUTING action is failed here when nothing is left to try:
 * its worker died for the third time (`Execution lost`), or a pending retry finds the retries
 * spent (they were lowered since it was scheduled: the last attempt's error stands).
 */
async function notClaimed(
  db: Db,
  scope: OrgScope,
  actionId: string,
  executor: string,
  settings: ExecutionSettings,
): Promise<ExecutionResult> {
  const action = await actions.findExecutionState(db, scope.organizationId, actionId);
  if (!action) return "missing";
  if (action.status !== "EXECUTING") return action.status === "QUEUED" ? "raced" : "ignored";
  const ref = {
    id: actionId,
    organizationId: scope.organizationId,
    attempts: action.attempts,
    lostAttempts: action.lostAttempts,
    startedAt: action.startedAt ?? undefined,
  };
  const next = afterWorkerLoss(action, settings);
  if (next === "fail") {
    const failed = await failAttempt(db, ref, { executor, error: LOST_EXECUTION_ERROR, lost: true });
    return failed ? "lost-and-failed" : "raced";
  }
  if (next === "resume" && !mayRetryAfterTransientFailure(action, settings)) {
    const failed = await failAttempt(db, ref, { executor, error: action.lastError ?? LOST_EXECUTION_ERROR });
    return failed ? "failed" : "raced";
  }
  // Claimable a moment ago: another worker (or the reconciler) moved it in between.
  return "raced";
}

async function attempt(
  executor: Executor,
  action: actions.ClaimedAction,
  signal: AbortSignal,
): Promise<ExecutionOutcome> {
  try {
    return await executor.execute(
      {
        actionId: action.id,
        organizationId: action.organizationId,
        incidentId: action.incidentId,
        actionType: action.actionType,
        parameters: action.parameters,
        serviceName: action.serviceName,
        environment: action.environment,
        severity: action.severity,
        attempt: action.attempts,
      },
      { signal },
    );
  } catch (err) {
    // Lost the job (shutdown, heartbeat): leave the attempt to whoever gets the job next.
    if (signal.aborted) throw err;
    logger().error({ err, actionId: action.id }, "executor threw");
    return {
      ok: false,
      error: `Executor failed: ${err instanceof Error ? err.message : String(err)}`,
      transient: true,
    };
  }
}

async function record(
  db: Db,
  action: actions.ClaimedAction,
  executor: string,
  outcome: ExecutionOutcome,
  settings: ExecutionSettings,
  queue: { boss: PgBoss; beforeEnqueue?: (tx: Tx) => Promise<void> },
): Promise<ExecutionResult> {
  let recorded: boolean;
  let result: ExecutionResult;
  if (outcome.ok) {
    recorded = await completeAttempt(db, action, {
      executor,
      output: outcome.output,
      outputTruncated: outcome.outputTruncated,
    });
    result = "completed";
  } else if (!outcome.transient || !mayRetryAfterTransientFailure(action, settings)) {
    recorded = await failAttempt(db, action, { executor, error: outcome.error });
    result = "failed";
  } else {
    // The backoff grows with the transient failures only, as the retries are counted.
    const delayMs = retryDelayMs(countedAttempts(action), settings);
    recorded = await recordRetry(db, action, { error: outcome.error, delayMs }, queue);
    result = "retry-scheduled";
  }
  if (!recorded) {
    // A newer attempt (or the reconciler) moved the action on while this one ran: its result is stale.
    logger().warn({ actionId: action.id, attempt: action.attempts }, "stale execution attempt discarded");
    return "raced";
  }
  return result;
}
