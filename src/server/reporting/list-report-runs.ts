import type { CsvRow } from "@/server/csv";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listReportRuns as listStoredRuns } from "@/server/db/stores/report-runs";
import { toRunView } from "./run-view";
import type { ListReportRunsInput, ReportRunView } from "./schemas";

export const REPORT_RUNS_CSV_FILENAME = "remediation-report-runs.csv";
export const REPORT_RUNS_CSV_COLUMNS = [
  "id",
  "organizationId",
  "cadence",
  "trigger",
  "recipients",
  "deliveredCount",
  "failedDeliveryCount",
  "deliveryFailures",
  "deletedCount",
  "totalActions",
  "failedActions",
  "pendingApprovals",
  "queuedExecutions",
  "status",
  "error",
  "startedAt",
  "completedAt",
  // Trailing, so readers of the original columns keep working (docs/behaviour.md#override-review).
  "overridesInPeriod",
  "overrideReviewsPending",
  "overrideReviewsFlagged",
] as const;

/** Newest first (startedAt, then id); `from`/`to` bound startedAt inclusively. */
export async function listReportRuns(
  { db, scope }: { db: Db; scope: OrgScope },
  input: ListReportRunsInput,
): Promise<ReportRunView[]> {
  return (await listStoredRuns(db, scope.organizationId, input)).map(toRunView);
}

/**
 * GET /remediation/reporting/runs/export/csv: the same rows as CSV records (recipients joined
 * with `;`, deliveryFailures as JSON by the CSV writer). The query runs before the response
 * starts, so a failure is still a JSON error rather than a truncated download.
 */
export async function exportReportRunsCsv(
  ctx: { db: Db; scope: OrgScope },
  input: ListReportRunsInput,
): Promise<AsyncIterable<CsvRow>> {
  const runs = await listReportRuns(ctx, input);
  return (async function* () {
    for (const run of runs) yield { ...run, recipients: run.recipients.join(";") };
  })();
}
