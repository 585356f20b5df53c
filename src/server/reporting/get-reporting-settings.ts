import type { Db, Queryable } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findOrCreateReportingSettings, type ReportingSettingsRecord } from "@/server/db/stores/reporting-settings";

/**
 * The organization's settings row, created with the defaults on first read
 * (docs/behaviour.md#reporting); concurrent first reads create one row.
 */
export function ensureReportingSettings(q: Queryable, scope: OrgScope): Promise<ReportingSettingsRecord> {
  return findOrCreateReportingSettings(q, scope.organizationId);
}

export function toSettingsView(row: ReportingSettingsRecord) {
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
