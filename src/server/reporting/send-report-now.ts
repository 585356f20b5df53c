import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import type { EmailSettings } from "@/server/email";
import { AppError } from "@/server/errors";
import { executeReportRun } from "./execute-report-run";
import { ensureReportingSettings } from "./get-reporting-settings";
import { toRunView } from "./run-view";
import { manualPeriod } from "./schedule";

const NO_RECIPIENTS_MESSAGE = "Add at least one report recipient before sending a report";

/** POST /remediation/reporting/runs: a manual run over the cadence ending now; 200 once delivered. */
export async function sendReportNow({
  db,
  scope,
  emailSettings,
}: {
  db: Db;
  scope: OrgScope;
  emailSettings?: EmailSettings | undefined;
}) {
  const settings = await ensureReportingSettings(db, scope);
  if (settings.reportRecipients.length === 0) {
    throw new AppError("BAD_REQUEST", NO_RECIPIENTS_MESSAGE, {
      issues: [{ path: "reportRecipients", message: NO_RECIPIENTS_MESSAGE }],
    });
  }
  const run = await executeReportRun(
    db,
    {
      organizationId: scope.organizationId,
      trigger: "manual",
      cadence: settings.reportCadence,
      recipients: settings.reportRecipients,
      period: manualPeriod(settings.reportCadence, new Date()),
    },
    emailSettings,
  );
  // Only scheduled runs carry a slot, so a manual insert always succeeds.
  if (!run) throw new Error("manual report run was not created");
  return toRunView(run);
}
