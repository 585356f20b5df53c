import type { ExecutionSettings } from "./settings";

/**
 * Which attempts count against the retries (docs/behaviour.md#retries, #recovery). An action's
 * `attempts` counts every executor call it was claimed for; `lostAttempts` those whose worker died
 * (or lost its job) before recording an outcome. A lost attempt is re-run with the same
 * Idempotency-Key, so the executor answers what it did, and it does not use up a retry:
 * REMEDIATION_EXECUTION_RETRIES bounds the transient failures only, and MAX_LOST_ATTEMPTS (3)
 * bounds the lost ones on their own. The claim (actions.claimAttempt) holds the same rule in its
 * WHERE; these are its readable form for the decisions taken outside that statement.
 */
export interface AttemptCounts {
  attempts: number;
  lostAttempts: number;
}

/** The attempts that count against REMEDIATION_EXECUTION_RETRIES + 1. */
export function countedAttempts(action: AttemptCounts): number {
  return action.attempts - action.lostAttempts;
}

/** After a transient failure of the current attempt: is another attempt allowed? */
export function mayRetryAfterTransientFailure(action: AttemptCounts, settings: ExecutionSettings): boolean {
  return countedAttempts(action) < settings.maxAttempts;
}

/**
 * An EXECUTING action whose worker is gone (a re-delivered job, or the reconciler): what to do.
 * - `resume`: a retry was pending (the previous outcome was recorded; only its job went missing):
 *   run the next attempt, nothing was lost;
 * - `rerun`: the current attempt was lost; run it again, counting the loss;
 * - `fail`: this loss is the MAX_LOST_ATTEMPTS-th (3rd): `Execution lost: worker stopped responding`.
 */
export function afterWorkerLoss(
  action: { lostAttempts: number; retryPending: boolean },
  settings: ExecutionSettings,
): "resume" | "rerun" | "fail" {
  if (action.retryPending) return "resume";
  return action.lostAttempts + 1 < settings.maxLostAttempts ? "rerun" : "fail";
}
