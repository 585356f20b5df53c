import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findReportRun } from "@/server/db/stores/report-runs";
import type { EmailSettings } from "@/server/email";
import { AppError, notFound } from "@/server/errors";
import { executeReportRun } from "./execute-report-run";
import { deliveryFailuresOf, figuresOf, toRunView } from "./run-view";

/**
 * POST /remediation/reporting/runs/:runId/retry (docs/behaviour.md#retry-run): a new run
 * (trigger `retry`) that re-sends that run's report — same period and figures — to the
 * recipients that failed in it, or to all of its recipients when it failed without recording a
 * delivery failure (interrupted, or an unexpected error before or while sending). A run that
 * succeeded delivered to everyone: nothing to retry (409), so nobody gets the report twice.
 * Never enforces retention.
 */
export async function retryReportRun(
  { db, scope, emailSettings }: { db: Db; scope: OrgScope; emailSettings?: EmailSettings | undefined },
  input: { runId: string },
) {
  const original = await findReportRun(db, scope.organizationId, input.runId);
  if (!original) throw notFound("Report run");
  if (original.status === "running") {
    throw new AppError("CONFLICT", "Report run is still running; retry it once it has finished");
  }
  if (original.status === "success") {
    throw new AppError("CONFLICT", `Report run ${original.id} has no failed deliveries: nothing to retry`);
  }
  const failed = [...new Set(deliveryFailuresOf(original).map((f) => f.recipient))];
  const run = await executeReportRun(
    db,
    {
      organizationId: scope.organizationId,
      trigger: "retry",
      cadence: original.cadence,
      recipients: failed.length > 0 ? failed : original.recipients,
      period: { start: original.periodStart, end: original.periodEnd },
      retryOf: { runId: original.id, figures: figuresOf(original), deletedCount: original.deletedCount },
    },
    emailSettings,
  );
  if (!run) throw new Error("retry report run was not created");
  return toRunView(run);
}
