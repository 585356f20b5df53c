import { z } from "zod";
import { env } from "@/server/env";

/**
 * Execution tuning on top of contract §2. Production uses the defaults; tests and the
 * measuring script shorten them through the environment. Read on every call (no cache) so a
 * test that changes process.env sees the change at once.
 */
const tuningSchema = z.object({
  // Backoff before retry n (n = 1, 2, ...) after a transient failure: base × 2^(n-1), capped.
  REMEDIATION_RETRY_BASE_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  REMEDIATION_RETRY_MAX_DELAY_MS: z.coerce.number().int().min(0).default(60_000),
  // A worker proves it is alive on every running job this often (pg-boss minimum 10 s); a
  // silent one has its job re-delivered after that long (plus one supervise pass).
  REMEDIATION_EXECUTION_HEARTBEAT_SECONDS: z.coerce.number().int().min(10).default(30),
  // How often pg-boss looks for expired jobs (and refreshes queue stats).
  PGBOSS_SUPERVISE_INTERVAL_SECONDS: z.coerce.number().int().min(1).default(15),
});

export interface ExecutionSettings {
  executor: string;
  timeoutMs: number;
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
  const tuning = tuningSchema.parse(process.env);
  return {
    executor: config.REMEDIATION_EXECUTOR,
    timeoutMs: config.REMEDIATION_EXECUTION_TIMEOUT_MS,
    retries: config.REMEDIATION_EXECUTION_RETRIES,
    maxAttempts: config.REMEDIATION_EXECUTION_RETRIES + 1,
    retryBaseDelayMs: tuning.REMEDIATION_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: tuning.REMEDIATION_RETRY_MAX_DELAY_MS,
    heartbeatSeconds: tuning.REMEDIATION_EXECUTION_HEARTBEAT_SECONDS,
    superviseIntervalSeconds: tuning.PGBOSS_SUPERVISE_INTERVAL_SECONDS,
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
  return settings.timeoutMs * settings.maxAttempts + backoff + marginMs;
}
