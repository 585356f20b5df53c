import { Prisma } from "@/generated/prisma/client";
import type { ReportCadence } from "@/lib/reporting-settings";
import { type Queryable, queryRows, type Tx } from "../client";

/**
 * The reporting_settings store: one row per organization, created with the defaults on first
 * read (docs/data-model.md#reporting_settings, docs/behaviour.md#reporting).
 */

export interface ReportingSettingsRecord {
  organizationId: string;
  retentionDays: number;
  scheduledReportEnabled: boolean;
  reportCadence: ReportCadence;
  reportRecipients: string[];
  lastReportAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields an operator may change, any subset. */
export interface ReportingSettingsPatch {
  retentionDays?: number | undefined;
  scheduledReportEnabled?: boolean | undefined;
  reportCadence?: ReportCadence | undefined;
  reportRecipients?: string[] | undefined;
}

const SETTINGS_COLUMNS = Prisma.sql`
  "organizationId", "retentionDays", "scheduledReportEnabled", "reportCadence"::text AS "reportCadence",
  coalesce("reportRecipients", '{}') AS "reportRecipients", "lastReportAt", "createdAt", "updatedAt"`;

/** The organization's row, or undefined before its first read. `forUpdate`: locked until the transaction ends. */
export async function findReportingSettings(
  q: Queryable,
  organizationId: string,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<ReportingSettingsRecord | undefined> {
  const [row] = await queryRows<ReportingSettingsRecord>(
    q,
    Prisma.sql`
    SELECT ${SETTINGS_COLUMNS} FROM reporting_settings WHERE "organizationId" = ${organizationId}
    ${forUpdate ? Prisma.sql`FOR UPDATE` : Prisma.empty}`,
  );
  return row;
}

/**
 * The organization's row, created with the column defaults when missing. ON CONFLICT DO
 * NOTHING: concurrent first reads create one row, and the loser reads the winner's.
 */
export async function findOrCreateReportingSettings(
  q: Queryable,
  organizationId: string,
): Promise<ReportingSettingsRecord> {
  const existing = await findReportingSettings(q, organizationId);
  if (existing) return existing;
  const [created] = await queryRows<ReportingSettingsRecord>(
    q,
    Prisma.sql`
    INSERT INTO reporting_settings ("organizationId", "updatedAt") VALUES (${organizationId}, now())
    ON CONFLICT ("organizationId") DO NOTHING
    RETURNING ${SETTINGS_COLUMNS}`,
  );
  if (created) return created;
  const raced = await findReportingSettings(q, organizationId);
  if (!raced) throw new Error(`reporting settings of ${organizationId} vanished after their creation`);
  return raced;
}

/** Writes the fields present in `patch` (the row must exist; lock it first). */
export async function updateReportingSettings(
  tx: Tx,
  organizationId: string,
  patch: ReportingSettingsPatch,
): Promise<ReportingSettingsRecord> {
  const set = [Prisma.sql`"updatedAt" = now()`];
  if (patch.retentionDays !== undefined) set.push(Prisma.sql`"retentionDays" = ${patch.retentionDays}::int`);
  if (patch.scheduledReportEnabled !== undefined) {
    set.push(Prisma.sql`"scheduledReportEnabled" = ${patch.scheduledReportEnabled}::boolean`);
  }
  if (patch.reportCadence !== undefined)
    set.push(Prisma.sql`"reportCadence" = ${patch.reportCadence}::"ReportCadence"`);
  if (patch.reportRecipients !== undefined)
    set.push(Prisma.sql`"reportRecipients" = ${patch.reportRecipients}::text[]`);
  const [row] = await queryRows<ReportingSettingsRecord>(
    tx,
    Prisma.sql`
    UPDATE reporting_settings SET ${Prisma.join(set)} WHERE "organizationId" = ${organizationId}
    RETURNING ${SETTINGS_COLUMNS}`,
  );
  if (!row) throw new Error(`reporting settings of ${organizationId} do not exist`);
  return row;
}

/**
 * Moves `lastReportAt` to the end of a scheduled period, only forward: a late finisher never
 * rewinds a newer value.
 */
export async function markScheduledReportSent(q: Queryable, organizationId: string, periodEnd: Date): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    UPDATE reporting_settings SET "lastReportAt" = ${periodEnd}::timestamptz
    WHERE "organizationId" = ${organizationId}
      AND ("lastReportAt" IS NULL OR "lastReportAt" < ${periodEnd}::timestamptz)`,
  );
}

/**
 * Across organizations on purpose: the report schedule has no caller. Enabled schedules never
 * sent or last sent at or before `lastSentAtOrBefore`, by organization (the
 * (scheduledReportEnabled, lastReportAt) index); the caller decides which are due.
 */
export async function acrossOrganizationsListScheduleCandidates(
  q: Queryable,
  lastSentAtOrBefore: Date,
): Promise<ReportingSettingsRecord[]> {
  return queryRows<ReportingSettingsRecord>(
    q,
    Prisma.sql`
    SELECT ${SETTINGS_COLUMNS} FROM reporting_settings
    WHERE "scheduledReportEnabled"
      AND ("lastReportAt" IS NULL OR "lastReportAt" <= ${lastSentAtOrBefore}::timestamptz)
    ORDER BY "organizationId"`,
  );
}
