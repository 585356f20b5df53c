import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * What this process counts as it happens (docs/behaviour.md#prometheus-metrics): Prometheus
 * counters and histograms in memory, so they start at zero when the process starts and each
 * process (web, every `npm run worker`) has its own, as Prometheus counters normally do:
 * `rate()`/`increase()` absorb restarts, and a sum across instances adds the processes up.
 *
 * One registry per process, on globalThis: Next's bundle of the route handlers and the custom
 * server's own modules are two copies of this file in one process, and both must count into
 * the same metrics.
 */
export interface ProcessMetrics {
  registry: Registry;
  decisionSeconds: Histogram<"organization" | "decision">;
  executions: Counter<"organization" | "outcome">;
  executorSeconds: Histogram<"executor" | "outcome">;
  reportDeliveries: Counter<"organization" | "outcome">;
}

function createProcessMetrics(): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    decisionSeconds: new Histogram({
      name: "rcc_approval_decision_seconds",
      help: "Time from request to the decision that ended PENDING_APPROVAL (decided in this process)",
      labelNames: ["organization", "decision"],
      buckets: [5, 30, 60, 300, 900, 1800, 3600, 7200, 14_400, 43_200, 86_400],
      registers,
    }),
    executions: new Counter({
      name: "rcc_executions_total",
      help: "Execution jobs run by this process, by outcome",
      labelNames: ["organization", "outcome"],
      registers,
    }),
    executorSeconds: new Histogram({
      name: "rcc_executor_duration_seconds",
      help: "Executor call duration per attempt (ok, error, transient)",
      labelNames: ["executor", "outcome"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    reportDeliveries: new Counter({
      name: "rcc_report_deliveries_total",
      help: "Report emails per recipient sent by this process, by outcome (delivered, failed)",
      labelNames: ["organization", "outcome"],
      registers,
    }),
  };
}

const globalForMetrics = globalThis as unknown as { __rccMetrics?: ProcessMetrics };

export function processMetrics(): ProcessMetrics {
  globalForMetrics.__rccMetrics ??= createProcessMetrics();
  return globalForMetrics.__rccMetrics;
}

export type DecisionKind = "approved" | "overridden" | "rejected" | "expired";

/** A pending action was decided `seconds` after its request. */
export function observeDecision(organizationId: string, decision: DecisionKind, seconds: number): void {
  processMetrics().decisionSeconds.observe({ organization: organizationId, decision }, Math.max(0, seconds));
}

/** One execution job ended with `outcome` (runExecution's result). */
export function countExecution(organizationId: string, outcome: string): void {
  processMetrics().executions.inc({ organization: organizationId, outcome });
}

/** One executor call took `seconds`. */
export function observeExecutor(executor: string, outcome: "ok" | "error" | "transient", seconds: number): void {
  processMetrics().executorSeconds.observe({ executor, outcome }, seconds);
}

/** A report run's recipients: delivered and failed. */
export function countReportDeliveries(organizationId: string, delivered: number, failed: number): void {
  const counter = processMetrics().reportDeliveries;
  if (delivered > 0) counter.inc({ organization: organizationId, outcome: "delivered" }, delivered);
  if (failed > 0) counter.inc({ organization: organizationId, outcome: "failed" }, failed);
}
