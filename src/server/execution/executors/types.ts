import type { ExecutionSettings } from "../settings";

/** What an executor receives for one attempt (the webhook body, field for field). */
export interface ExecutionRequest {
  actionId: string;
  organizationId: string;
  incidentId: string;
  actionType: string;
  parameters: unknown;
  serviceName: string | null;
  environment: string;
  severity: string;
  /** 1 for the first attempt, counting every attempt (lost ones included). */
  attempt: number;
}

/**
 * One attempt's result. `transient` failures (5xx, timeout, unreachable) are retried with
 * backoff while attempts remain; the others fail the action at once.
 */
export type ExecutionOutcome =
  | { ok: true; output: unknown; outputTruncated?: boolean }
  | { ok: false; error: string; transient: boolean };

export interface Executor {
  readonly name: string;
  /**
   * Runs one attempt. `signal` aborts when the worker loses the job (shutdown, lost heartbeat);
   * the executor then throws instead of returning an outcome, and the attempt is re-run
   * elsewhere. The executor enforces its own per-attempt timeout.
   */
  execute(request: ExecutionRequest, options: { signal: AbortSignal }): Promise<ExecutionOutcome>;
}

/** Builds an executor from the execution settings; one per executor file, listed in registry.ts. */
export type ExecutorFactory = (settings: ExecutionSettings) => Executor;

/** Thrown when `signal` ended the attempt: no outcome is recorded for it. */
export class ExecutionAbortedError extends Error {
  constructor() {
    super("Execution aborted: the worker no longer holds the job");
    this.name = "ExecutionAbortedError";
  }
}
