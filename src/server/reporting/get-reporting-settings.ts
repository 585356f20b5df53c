import type { ReportingSettings } from "@/generated/prisma/client";
import type { Db, Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";

/**
 * The organization's settings row, created with the defaults on first read (contract §9).
 * `skipDuplicates` is ON CONFLICT DO NOTHING: concurrent first reads create one row.
 */
export async function ensureReportingSettings(db: Db | Tx, scope: OrgScope): Promise<ReportingSettings> {
  const existing = await db.reportingSettings.findUnique({ where: scope.where({}) });
  if (existing) return existing;
  await db.reportingSettings.createMany({ data: [scope.data({})], skipDuplicates: true });
  return db.reportingSettings.findUniqueOrThrow({ where: scope.where({}) });
}

export function toSettingsView(row: ReportingSettings) {
  return {
    organizationId: row.organizationId,
    retentionDays: row.retentionDays,
    scheduledReportEnabled: row.scheduledReportEnabled,
    reportCadence: row.reportCadence,
    reportRecipients: row.reportRecipients,
    lastReportAt: row.lastReportAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function getReportingSettings({ db, scope }: { db: Db; scope: OrgScope }) {
  return toSettingsView(await ensureReportingSettings(db, scope));
}
