import { env } from "@/server/env";

export interface ExecutionSettings {
  executor: string;
  timeoutMs: number;
  /** The longest one attempt can run: the timeout (or the simulated run time, if longer). */
  attemptBoundMs: number;
  retries: number;
  /** retries + 1: every attempt, lost ones included, counts against it. */
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  heartbeatSeconds: number;
  superviseIntervalSeconds: number;
}

export function executionSettings(): ExecutionSettings {
  const config = env();
  return {
    executor: config.REMEDIATION_EXECUTOR,
    timeoutMs: config.REMEDIATION_EXECUTION_TIMEOUT_MS,
    attemptBoundMs:
      config.REMEDIATION_EXECUTOR === "simulated"
        ? Math.max(config.REMEDIATION_EXECUTION_TIMEOUT_MS, config.REMEDIATION_SIMULATED_DELAY_MS)
        : config.REMEDIATION_EXECUTION_TIMEOUT_MS,
    retries: config.REMEDIATION_EXECUTION_RETRIES,
    maxAttempts: config.REMEDIATION_EXECUTION_RETRIES + 1,
    retryBaseDelayMs: config.REMEDIATION_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: config.REMEDIATION_RETRY_MAX_DELAY_MS,
    heartbeatSeconds: config.REMEDIATION_EXECUTION_HEARTBEAT_SECONDS,
    superviseIntervalSeconds: config.PGBOSS_SUPERVISE_INTERVAL_SECONDS,
  };
}

/** Delay before the attempt after failed attempt `attempt` (1-based). */
export function retryDelayMs(attempt: number, settings: ExecutionSettings = executionSettings()): number {
  const exponential = settings.retryBaseDelayMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(exponential, settings.retryMaxDelayMs);
}

/**
 * How long an action may sit EXECUTING, untouched, before the reconciler calls it lost: every
 * attempt running to its timeout plus every backoff, plus a margin for the database writes.
 */
export function lostExecutionAfterMs(settings: ExecutionSettings = executionSettings(), marginMs = 60_000): number {
  let backoff = 0;
  for (let attempt = 1; attempt < settings.maxAttempts; attempt++) backoff += retryDelayMs(attempt, settings);
  return settings.attemptBoundMs * settings.maxAttempts + backoff + marginMs;
}
