import { type Env, env } from "@/server/env";

/**
 * Everything execution is configured by. Production takes it from the environment
 * (`executionSettings()`); tests and scripts pass their own values to the job factory, the
 * executor and the recovery functions instead of changing process.env.
 */
export interface ExecutionSettings {
  executor: Env["REMEDIATION_EXECUTOR"];
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  timeoutMs: number;
  simulatedDelayMs: number;
  retries: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  heartbeatSeconds: number;
  /** The longest one attempt can run: the timeout (or the simulated run time, if longer). */
  attemptBoundMs: number;
  /**
   * retries + 1: the attempts that count against the retries (attempts.ts): every attempt except
   * those whose worker died before recording an outcome.
   */
  maxAttempts: number;
  /** How many lost attempts (worker died mid-attempt) end an action with `Execution lost` (attempts.ts). */
  maxLostAttempts: number;
}

/** The settings one chooses; the others are derived from them or fixed. */
export type ExecutionChoices = Omit<ExecutionSettings, "attemptBoundMs" | "maxAttempts" | "maxLostAttempts">;

/**
 * The third lost attempt fails the action (docs/behaviour.md#recovery): a poison action that
 * kills every worker that runs it still ends, after at most retries + 1 + 3 attempts. Measured
 * with scripts/measure-worker-crashes.ts, an aggressive 20-kill run can make an action that was
 * carried out lose its worker three times (a crash takes every attempt in flight in its process);
 * five would avoid that (docs/behaviour.md#known-differences). Fixed, not configured.
 */
const MAX_LOST_ATTEMPTS = 3;

/** The environment's execution settings (README "Configuration"), with `overrides` on top. */
export function executionSettings(overrides: Partial<ExecutionChoices> = {}, config: Env = env()): ExecutionSettings {
  const chosen: ExecutionChoices = {
    executor: config.REMEDIATION_EXECUTOR,
    webhookUrl: config.REMEDIATION_WEBHOOK_URL,
    webhookSecret: config.REMEDIATION_WEBHOOK_SECRET,
    timeoutMs: config.REMEDIATION_EXECUTION_TIMEOUT_MS,
    simulatedDelayMs: config.REMEDIATION_SIMULATED_DELAY_MS,
    retries: config.REMEDIATION_EXECUTION_RETRIES,
    retryBaseDelayMs: config.REMEDIATION_RETRY_BASE_DELAY_MS,
    retryMaxDelayMs: config.REMEDIATION_RETRY_MAX_DELAY_MS,
    heartbeatSeconds: config.REMEDIATION_EXECUTION_HEARTBEAT_SECONDS,
    ...overrides,
  };
  return {
    ...chosen,
    attemptBoundMs:
      chosen.executor === "simulated" ? Math.max(chosen.timeoutMs, chosen.simulatedDelayMs) : chosen.timeoutMs,
    maxAttempts: chosen.retries + 1,
    maxLostAttempts: MAX_LOST_ATTEMPTS,
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
