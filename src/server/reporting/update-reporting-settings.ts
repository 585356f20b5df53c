import { scheduleRecipientsIssue, type UpdateReportingSettings } from "@/lib/reporting-settings";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { AppError } from "@/server/errors";
import { ensureReportingSettings, toSettingsView } from "./get-reporting-settings";

/**
 * Partial update (any subset of the fields). The "enabled needs recipients" rule is checked on
 * the merged result under a row lock, so two concurrent PUTs cannot together store an enabled
 * schedule with nobody to send it to.
 */
export async function updateReportingSettings(
  { db, scope }: { db: Db; scope: OrgScope },
  input: UpdateReportingSettings,
) {
  return db.$transaction(async (tx) => {
    await ensureReportingSettings(tx, scope);
    await tx.$queryRaw`SELECT 1 FROM "reporting_settings" WHERE "organizationId" = ${scope.organizationId} FOR UPDATE`;
    const current = await tx.reportingSettings.findUniqueOrThrow({ where: scope.where({}) });
    const issue = scheduleRecipientsIssue({
      scheduledReportEnabled: input.scheduledReportEnabled ?? current.scheduledReportEnabled,
      reportRecipients: input.reportRecipients ?? current.reportRecipients,
    });
    if (issue) throw new AppError("BAD_REQUEST", issue.message, { issues: [issue] });
    if (Object.keys(input).length === 0) return toSettingsView(current);
    const updated = await tx.reportingSettings.update({ where: scope.where({}), data: input });
    return toSettingsView(updated);
  });
}
