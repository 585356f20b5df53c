import { scheduleRecipientsIssue, type UpdateReportingSettings } from "@/lib/reporting-settings";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import * as settings from "@/server/db/stores/reporting-settings";
import { AppError } from "@/server/errors";
import { ensureReportingSettings, toSettingsView } from "./get-reporting-settings";

/**
 * Partial update (any subset of the fields). The "enabled needs recipients" rule is checked on
 * the merged result under a row lock, so two concurrent PUTs cannot together store an enabled
 * schedule with nobody to send it to (docs/behaviour.md#reporting).
 */
export async function updateReportingSettings(
  { db, scope }: { db: Db; scope: OrgScope },
  input: UpdateReportingSettings,
) {
  const organizationId = scope.organizationId;
  return transaction(db, async (tx) => {
    await ensureReportingSettings(tx, scope);
    const current = await settings.findReportingSettings(tx, organizationId, { forUpdate: true });
    if (!current) throw new Error(`reporting settings of ${organizationId} vanished`);
    const issue = scheduleRecipientsIssue({
      scheduledReportEnabled: input.scheduledReportEnabled ?? current.scheduledReportEnabled,
      reportRecipients: input.reportRecipients ?? current.reportRecipients,
    });
    if (issue) throw new AppError("BAD_REQUEST", issue.message, { issues: [issue] });
    if (Object.keys(input).length === 0) return toSettingsView(current);
    return toSettingsView(await settings.updateReportingSettings(tx, organizationId, input));
  });
}
