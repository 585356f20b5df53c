import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/**
 * The approval-metrics reads (docs/behaviour.md#approval-metrics). Decisions are the events that
 * ended PENDING_APPROVAL; an insert trigger on remediation_events copies each one into
 * approval_decisions with its time to decision (docs/data-model.md#approval_decisions), so the
 * window's decisions are one index-only range of its (organizationId, decidedAt, outcome,
 * seconds) index: no probe of remediation_actions per decision, whatever the organization's size.
 *
 * The notice types are literals in the SQL text (not parameters), so the planner sees the index ranges.
 */
const NOTICE_TYPES = Prisma.raw(`'APPROVAL_REMINDER_SENT', 'APPROVAL_ESCALATED'`);

/** Decisions since `since`: outcome (the event type), decision time, time to decision in seconds. */
function decisionsSince(organizationId: string, since: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT d.outcome::text AS type, d."decidedAt" AS "createdAt", d.seconds
    FROM approval_decisions d
    WHERE d."organizationId" = ${organizationId} AND d."decidedAt" >= ${since}::timestamptz`;
}

export interface ApprovalMetricsRow {
  decided: number;
  approved: number;
  overridden: number;
  rejected: number;
  expired: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
  oldestPending: number | null;
  reminders: number;
  escalations: number;
}

/**
 * One statement: counts and percentiles of the decisions since `since`, the age of the oldest
 * pending action at `now` (the first entry of the (organizationId, status, createdAt) index),
 * and the reminders/escalations since `since`. Exported for the bench's bare-pg baseline.
 */
export function approvalMetricsQuery(organizationId: string, since: Date, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH decisions AS (${decisionsSince(organizationId, since)}),
    notices AS (
      SELECT count(*) FILTER (WHERE type = 'APPROVAL_REMINDER_SENT')::int AS reminders,
             count(*) FILTER (WHERE type = 'APPROVAL_ESCALATED')::int AS escalations
      FROM remediation_events
      WHERE "organizationId" = ${organizationId} AND type IN (${NOTICE_TYPES}) AND "createdAt" >= ${since}::timestamptz
    )
    SELECT count(*)::int AS decided,
           count(*) FILTER (WHERE type IN ('APPROVED', 'OVERRIDDEN'))::int AS approved,
           count(*) FILTER (WHERE type = 'OVERRIDDEN')::int AS overridden,
           count(*) FILTER (WHERE type IN ('REJECTED', 'EXPIRED'))::int AS rejected,
           count(*) FILTER (WHERE type = 'EXPIRED')::int AS expired,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95,
           max(seconds) AS max,
           (SELECT extract(epoch FROM ${now}::timestamptz - min("createdAt"))::float8 FROM remediation_actions
            WHERE "organizationId" = ${organizationId} AND status = 'PENDING_APPROVAL') AS "oldestPending",
           (SELECT reminders FROM notices) AS reminders,
           (SELECT escalations FROM notices) AS escalations
    FROM decisions`;
}

export async function readApprovalMetrics(
  q: Queryable,
  organizationId: string,
  window: { since: Date; now: Date },
): Promise<ApprovalMetricsRow> {
  const [row] = await queryRows<ApprovalMetricsRow>(q, approvalMetricsQuery(organizationId, window.since, window.now));
  if (!row) throw new Error("approval metrics: no row");
  return row;
}

export interface DecisionDayRow {
  /** UTC calendar day, `YYYY-MM-DD`. */
  day: string;
  decided: number;
  p50: number;
  p95: number;
}

/** Per UTC day since `since` (a midnight): decisions and their p50/p95 time to decision. Days without decisions are absent. */
export function decisionTimeByDayQuery(organizationId: string, since: Date): Prisma.Sql {
  return Prisma.sql`
    WITH decisions AS (${decisionsSince(organizationId, since)})
    SELECT to_char("createdAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*)::int AS decided,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95
    FROM decisions GROUP BY 1 ORDER BY 1`;
}

export function readDecisionTimeByDay(q: Queryable, organizationId: string, since: Date): Promise<DecisionDayRow[]> {
  return queryRows<DecisionDayRow>(q, decisionTimeByDayQuery(organizationId, since));
}

export interface PendingApprovalGauge {
  organizationId: string;
  pending: number;
  /** Age of the oldest pending action; null when none is pending. */
  oldestSeconds: number | null;
}

/**
 * GET /metrics: pending approvals per organization from the counters (every organization that
 * ever had one: a zero stays a zero, not a gap), and for those with any, the oldest one's age by
 * one probe of the (organizationId, status, createdAt) index. `organizationId` null: across
 * organizations on purpose (the operator's scrape); else that organization's only.
 */
export function pendingApprovalGauges(
  q: Queryable,
  organizationId: string | null,
  now: Date,
): Promise<PendingApprovalGauge[]> {
  const scope = organizationId === null ? Prisma.empty : Prisma.sql`AND "organizationId" = ${organizationId}`;
  return queryRows<PendingApprovalGauge>(
    q,
    Prisma.sql`
    SELECT c."organizationId", c.pending,
           CASE WHEN c.pending > 0 THEN extract(epoch FROM ${now}::timestamptz - (
             SELECT min(a."createdAt") FROM remediation_actions a
             WHERE a."organizationId" = c."organizationId" AND a.status = 'PENDING_APPROVAL'))::float8 END AS "oldestSeconds"
    FROM (SELECT "organizationId", sum(count)::float8 AS pending FROM remediation_counters
          WHERE status = 'PENDING_APPROVAL' ${scope} GROUP BY 1) c`,
  );
}
