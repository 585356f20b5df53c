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

/** What the window's decisions give: counts by outcome and the time to decision. */
export interface DecisionFigures {
  decided: number;
  approved: number;
  overridden: number;
  rejected: number;
  expired: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** What changes with the clock or with other events: read on every request. */
export interface LiveFigures {
  oldestPending: number | null;
  reminders: number;
  escalations: number;
}

export type ApprovalMetricsRow = DecisionFigures & LiveFigures;

/**
 * The sum of the organization's approval_decision_versions stripes (text: int8): it grows with
 * every committed INSERT or DELETE of its decisions (docs/data-model.md#approval_decision_versions).
 */
const decisionsVersion = (organizationId: string) => Prisma.sql`
  (SELECT coalesce(sum(version), 0)::text FROM approval_decision_versions WHERE "organizationId" = ${organizationId})`;

/**
 * The decisions since `since` (one index-only range), with the version they were read at and
 * the oldest decision's time (the window may move up to it without changing the set).
 */
function decisionFiguresQuery(organizationId: string, since: Date): Prisma.Sql {
  return Prisma.sql`
    WITH decisions AS (${decisionsSince(organizationId, since)})
    SELECT count(*)::int AS decided,
           count(*) FILTER (WHERE type IN ('APPROVED', 'OVERRIDDEN'))::int AS approved,
           count(*) FILTER (WHERE type = 'OVERRIDDEN')::int AS overridden,
           count(*) FILTER (WHERE type IN ('REJECTED', 'EXPIRED'))::int AS rejected,
           count(*) FILTER (WHERE type = 'EXPIRED')::int AS expired,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds) AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) AS p95,
           max(seconds) AS max,
           min("createdAt") AS earliest,
           ${decisionsVersion(organizationId)} AS version
    FROM decisions`;
}

/**
 * The age of the oldest pending action at `now` (the first entry of the (organizationId, status,
 * createdAt) index), the reminders/escalations since `since`, and the decisions' version: three
 * index probes, whatever the organization's size.
 */
function liveFiguresQuery(organizationId: string, since: Date, now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT (SELECT extract(epoch FROM ${now}::timestamptz - min("createdAt"))::float8 FROM remediation_actions
            WHERE "organizationId" = ${organizationId} AND status = 'PENDING_APPROVAL') AS "oldestPending",
           count(*) FILTER (WHERE type = 'APPROVAL_REMINDER_SENT')::int AS reminders,
           count(*) FILTER (WHERE type = 'APPROVAL_ESCALATED')::int AS escalations,
           ${decisionsVersion(organizationId)} AS version
    FROM remediation_events
    WHERE "organizationId" = ${organizationId} AND type IN (${NOTICE_TYPES}) AND "createdAt" >= ${since}::timestamptz`;
}

/**
 * Both in one statement: what the metrics compute when nothing is kept (the bench's bare-pg
 * baseline, the plan test).
 */
export function approvalMetricsQuery(organizationId: string, since: Date, now: Date): Prisma.Sql {
  return Prisma.sql`
    SELECT d.decided, d.approved, d.overridden, d.rejected, d.expired, d.p50, d.p95, d.max,
           l."oldestPending", l.reminders, l.escalations
    FROM (${decisionFiguresQuery(organizationId, since)}) d, (${liveFiguresQuery(organizationId, since, now)}) l`;
}

export async function readDecisionFigures(
  q: Queryable,
  organizationId: string,
  since: Date,
): Promise<DecisionFigures & { earliest: Date | null; version: string }> {
  const [row] = await queryRows<DecisionFigures & { earliest: Date | null; version: string }>(
    q,
    decisionFiguresQuery(organizationId, since),
  );
  if (!row) throw new Error("approval metrics: no decisions row");
  return row;
}

export async function readLiveFigures(
  q: Queryable,
  organizationId: string,
  window: { since: Date; now: Date },
): Promise<LiveFigures & { version: string }> {
  const [row] = await queryRows<LiveFigures & { version: string }>(
    q,
    liveFiguresQuery(organizationId, window.since, window.now),
  );
  if (!row) throw new Error("approval metrics: no live row");
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
