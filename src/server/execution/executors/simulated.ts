import { setTimeout as sleep } from "node:timers/promises";
import { ExecutionAbortedError, type ExecutorFactory } from "./types";

/**
 * Stands in for a real executor (demos, local runs): completes after
 * REMEDIATION_SIMULATED_DELAY_MS, or fails when `parameters.simulate` is "fail".
 */
export const createSimulatedExecutor: ExecutorFactory = (settings) => {
  const delayMs = settings.simulatedDelayMs;
  return {
    name: "simulated",
    async execute(request, { signal }) {
      if (delayMs > 0) await sleep(delayMs, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw new ExecutionAbortedError();
      const parameters = (request.parameters ?? {}) as Record<string, unknown>;
      if (parameters.simulate === "fail") return { ok: false, error: "Simulated failure", transient: false };
      return {
        ok: true,
        output: {
          simulated: true,
          actionType: request.actionType,
          message: `Simulated ${request.actionType} completed`,
        },
      };
    },
  };
};
