import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { countActionsCreatedIn } from "@/server/db/stores/actions";
import { countByStatus } from "@/server/db/stores/counters";
import { countOverrideFigures } from "@/server/db/stores/override-reviews";
import type { ReportFigures } from "@/server/db/stores/report-runs";
import { exportActionsCsvText } from "@/server/remediation/export-actions-csv";
import { CSV_FILENAME } from "@/server/remediation/schemas";

/** The attachment is the audit export of the period: same columns and name (docs/behaviour.md#csv-export). */
export const AUDIT_ATTACHMENT_FILENAME = CSV_FILENAME;
/** Keeps one email (and the outbox row) to a few MB; the email says when it was capped. */
export const AUDIT_ATTACHMENT_MAX_ROWS = 10_000;

/** A report period: (start, end] — consecutive scheduled periods neither overlap nor leave gaps. */
export interface ReportPeriod {
  start: Date;
  end: Date;
}

export type { ReportFigures };

const inPeriod = (p: ReportPeriod) => ({ after: p.start, atOrBefore: p.end });

/**
 * totalActions / failedActions: created in the period. pendingApprovals / queuedExecutions: now,
 * read from the trigger-maintained counters (O(1) whatever the table size).
 */
export async function computeReportFigures(db: Db, scope: OrgScope, period: ReportPeriod): Promise<ReportFigures> {
  const organizationId = scope.organizationId;
  const [totalActions, failedActions, now, overrides] = await Promise.all([
    countActionsCreatedIn(db, organizationId, inPeriod(period)),
    countActionsCreatedIn(db, organizationId, { ...inPeriod(period), status: "FAILED" }),
    countByStatus(db, organizationId),
    countOverrideFigures(db, organizationId, inPeriod(period)),
  ]);
  return {
    totalActions,
    failedActions,
    pendingApprovals: now.PENDING_APPROVAL,
    queuedExecutions: now.QUEUED,
    ...overrides,
  };
}

/**
 * The period's audit export, newest first, at most `cap` rows: the same CSV as
 * GET /remediation/export/csv (one formatter), plus whether the period held more.
 */
export async function loadPeriodAuditCsv(
  db: Db,
  scope: OrgScope,
  period: ReportPeriod,
  cap = AUDIT_ATTACHMENT_MAX_ROWS,
): Promise<{ csv: string; rows: number; capped: boolean }> {
  // Bounded count: reads at most cap + 1 index entries of the period.
  const [counted, csv] = await Promise.all([
    countActionsCreatedIn(db, scope.organizationId, { ...inPeriod(period), atMost: cap + 1 }),
    exportActionsCsvText({ db, scope }, { created: { after: period.start, atOrBefore: period.end }, limit: cap }),
  ]);
  return { csv, rows: Math.min(counted, cap), capped: counted > cap };
}
