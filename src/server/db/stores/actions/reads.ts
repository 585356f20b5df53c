import { Prisma } from "@/generated/prisma/client";
import type { ActionStatus } from "@/lib/schemas";
import { type Queryable, queryRows } from "../../client";
import { isUuid } from "../../scoped";
import { countByStatusQuery } from "../counters";
import { overdueReviewsCountSql } from "../override-reviews";
import { type ActionWithBasis, INCIDENT_TITLE, PENDING_APPROVAL_BASIS, toActionWithBasis } from "./approvals";
import {
  ACTION_COLUMNS,
  type ActionRecord,
  actionByKey,
  type RawActionRow,
  TERMINAL_STATUS_LIST,
  toAction,
} from "./row";

export interface ActionFilters {
  status?: ActionStatus | undefined;
  environment?: string | undefined;
  incidentId?: string | undefined;
}

/**
 * WHERE for the hot reads. Every filter is an equality on a leading column of one of the
 * (organizationId, <filter>, createdAt DESC, id DESC) indexes, so `ORDER BY createdAt DESC, id
 * DESC LIMIT n` is a forward index scan that stops after n rows: no Sort, no Seq Scan.
 */
export function actionFilterSql(organizationId: string, filters: ActionFilters): Prisma.Sql {
  const conditions = [Prisma.sql`"organizationId" = ${organizationId}`];
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"ActionStatus"`);
  if (filters.environment) conditions.push(Prisma.sql`environment = ${filters.environment}`);
  if (filters.incidentId) conditions.push(Prisma.sql`"incidentId" = ${filters.incidentId}::uuid`);
  return Prisma.join(conditions, " AND ");
}

/**
 * Newest first (createdAt desc, id desc), pending rows with their approval basis and every row
 * with its incident's title in the same statement (no query per row; a key lookup per page row). The page is chosen by the inner query alone, so its plan is the
 * plain list's (the basis' subplans change the planner's cost estimates, and once tipped a
 * `?environment=` page to the createdAt index); the outer ORDER BY is satisfied by it, no Sort.
 * Exported so the EXPLAIN test and the bench use this exact SQL.
 */
export function listActionsQuery(organizationId: string, input: ActionFilters & { limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT a.*, ${PENDING_APPROVAL_BASIS}, ${INCIDENT_TITLE} FROM (
      SELECT ${ACTION_COLUMNS} FROM remediation_actions
      WHERE ${actionFilterSql(organizationId, input)}
      ORDER BY "createdAt" DESC, id DESC
      LIMIT ${input.limit}
    ) a
    ORDER BY a."createdAt" DESC, a.id DESC`;
}

export async function listActions(
  q: Queryable,
  organizationId: string,
  input: ActionFilters & { limit: number },
): Promise<ActionWithBasis[]> {
  return (await queryRows<Parameters<typeof toActionWithBasis>[0]>(q, listActionsQuery(organizationId, input))).map(
    toActionWithBasis,
  );
}

/**
 * One action of the organization, or undefined (unknown, malformed or foreign id alike).
 * `lock`: FOR UPDATE, so the caller's transaction decides before any concurrent writer.
 */
export async function findAction(
  q: Queryable,
  organizationId: string,
  id: string,
  lock = false,
): Promise<ActionRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryRows<RawActionRow>(
    q,
    Prisma.sql`
      SELECT ${ACTION_COLUMNS} FROM remediation_actions
      WHERE ${actionByKey(organizationId, id)}
      ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`,
  );
  return row ? toAction(row) : undefined;
}

/** The counts the priority signal is computed from (docs/behaviour.md#priority-signal). */
export interface SignalCounts {
  pendingApprovals: number;
  activeExecutions: number;
  failedInLast24h: number;
  failedPrevious24h: number;
  overdueOverrideReviews: number;
  /**
   * Pending approvals now minus 24 h ago (docs/behaviour.md#priority-signal); null with an
   * environment filter (the decisions it subtracts carry no environment).
   */
  pendingChange24h: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Everything the signal needs in ONE statement (one pool checkout and round trip per request,
 * which matters when 16 clients poll the hero at once — bench P1):
 * - pending approvals and active executions: the summed counters, as in stats;
 * - FAILED rows updated in the last 24 h and in the 24 h before: one range scan of the
 *   (organizationId, status, updatedAt) index, or (organizationId, environment, status,
 *   updatedAt) with an environment — index-only, bounded by two days of failures, not by the table;
 * - overdue override reviews: a range of the override_reviews (organizationId, status, dueAt) index;
 * - the pending queue's change over 24 h (`pendingChangeQuery`), organization-wide only.
 */
export function prioritySignalQuery(organizationId: string, environment: string | undefined, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH counts AS (${countByStatusQuery(organizationId, environment)}),
         failures AS (${recentFailuresQuery(organizationId, environment, now)})
    SELECT coalesce((SELECT sum(count) FROM counts WHERE status = 'PENDING_APPROVAL'), 0)::int AS "pendingApprovals",
           coalesce((SELECT sum(count) FROM counts WHERE status IN ('QUEUED', 'EXECUTING')), 0)::int AS "activeExecutions",
           failures.last AS "failedInLast24h",
           failures.previous AS "failedPrevious24h",
           ${overdueReviewsCountSql(organizationId, environment, now)} AS "overdueOverrideReviews",
           ${environment ? Prisma.sql`NULL::int` : Prisma.sql`(${pendingChangeQuery(organizationId, now)})`} AS "pendingChange24h"
    FROM failures`;
}

/**
 * Pending approvals now minus pending approvals 24 h ago, without a snapshot: the actions still
 * pending that were requested in the last 24 h (they were not pending then), minus the actions
 * decided or expired in the last 24 h that were requested before it (they were pending then and
 * are not now). Requests both made and decided within the 24 h count in neither. Two index
 * ranges bounded by a day of the queue's traffic, never by the table: the pending range of
 * (organizationId, status, createdAt DESC, id DESC), and approval_decisions' (organizationId,
 * decidedAt, outcome, seconds) index-only, where `seconds` (decided − requested) tells the
 * request time without reading the action. Also planned on its own by the EXPLAIN test.
 */
export function pendingChangeQuery(organizationId: string, now: Date): Prisma.Sql {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  return Prisma.sql`
    SELECT (SELECT count(*) FROM remediation_actions
            WHERE "organizationId" = ${organizationId} AND status = 'PENDING_APPROVAL'::"ActionStatus"
              AND "createdAt" >= ${dayAgo}::timestamptz)::int
         - (SELECT count(*) FROM approval_decisions
            WHERE "organizationId" = ${organizationId} AND "decidedAt" >= ${dayAgo}::timestamptz
              AND seconds > extract(epoch FROM "decidedAt" - ${dayAgo}::timestamptz))::int`;
}

/** The failures part of the signal (also planned on its own by the EXPLAIN test). */
export function recentFailuresQuery(organizationId: string, environment: string | undefined, now: Date): Prisma.Sql {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const twoDaysAgo = new Date(now.getTime() - 2 * DAY_MS);
  return Prisma.sql`
    SELECT count(*) FILTER (WHERE "updatedAt" >= ${dayAgo}::timestamptz)::int AS last,
           count(*) FILTER (WHERE "updatedAt" < ${dayAgo}::timestamptz)::int AS previous
    FROM remediation_actions
    WHERE "organizationId" = ${organizationId}
      ${environment ? Prisma.sql`AND environment = ${environment}` : Prisma.empty}
      AND status = 'FAILED'::"ActionStatus"
      AND "updatedAt" >= ${twoDaysAgo}::timestamptz`;
}

export async function signalCounts(
  q: Queryable,
  organizationId: string,
  environment: string | undefined,
  now: Date,
): Promise<SignalCounts> {
  const [counts] = await queryRows<SignalCounts>(q, prioritySignalQuery(organizationId, environment, now));
  // An aggregate without GROUP BY always returns one row.
  return counts!;
}

/**
 * Actions created per UTC day and current status since `since` (the Control Center chart). One
 * GROUP BY over a range of the (organizationId, createdAt) index — or (organizationId,
 * environment, createdAt) with the filter — so its cost follows the window, not the table.
 */
export async function countCreatedPerDay(
  q: Queryable,
  organizationId: string,
  input: { since: Date; environment?: string | undefined },
): Promise<{ day: string; status: ActionStatus; count: number }[]> {
  const environment = input.environment ? Prisma.sql`AND environment = ${input.environment}` : Prisma.empty;
  return queryRows(
    q,
    Prisma.sql`
    SELECT to_char(date_trunc('day', "createdAt" AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day,
           status::text AS status,
           count(*)::int AS count
    FROM remediation_actions
    WHERE "organizationId" = ${organizationId} AND "createdAt" >= ${input.since}::timestamptz ${environment}
    GROUP BY 1, 2`,
  );
}

/**
 * Terminal actions created before `cutoff`: what retention would delete now. Each status is a
 * range of the (organizationId, status, createdAt) index.
 */
export async function countExpiredActions(q: Queryable, organizationId: string, cutoff: Date): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    q,
    Prisma.sql`
    SELECT count(*)::int AS count FROM remediation_actions
    WHERE "organizationId" = ${organizationId} AND status IN (${TERMINAL_STATUS_LIST}) AND "createdAt" < ${cutoff}::timestamptz`,
  );
  return row?.count ?? 0;
}

/**
 * Actions created in (after, atOrBefore] — a report period — optionally in one status. With
 * `atMost`, counting stops after that many rows (it reads at most that many index entries of the
 * (organizationId, createdAt) or (organizationId, status, createdAt) range).
 */
export async function countActionsCreatedIn(
  q: Queryable,
  organizationId: string,
  input: { after: Date; atOrBefore: Date; status?: ActionStatus; atMost?: number },
): Promise<number> {
  const status = input.status ? Prisma.sql`AND status = ${input.status}::"ActionStatus"` : Prisma.empty;
  const limit = input.atMost === undefined ? Prisma.empty : Prisma.sql`LIMIT ${input.atMost}`;
  const [row] = await queryRows<{ count: number }>(
    q,
    Prisma.sql`
    SELECT count(*)::int AS count FROM (
      SELECT 1 FROM remediation_actions
      WHERE "organizationId" = ${organizationId}
        AND "createdAt" > ${input.after}::timestamptz AND "createdAt" <= ${input.atOrBefore}::timestamptz ${status}
      ${limit}
    ) period`,
  );
  return row?.count ?? 0;
}

/** The statuses of an action that has not finished: waiting for approval, queued or running. */
const ACTIVE_STATUSES: ActionStatus[] = ["PENDING_APPROVAL", "QUEUED", "EXECUTING"];

/**
 * The organization's unfinished actions on one service in one environment, newest first: what a
 * new request for that service would run alongside (the execute dialog's conflict warning). Three
 * ranges of the (organizationId, environment, status, updatedAt) index, bounded by the
 * environment's unfinished actions, not by the table.
 */
export function activeForServiceQuery(
  organizationId: string,
  input: { serviceName: string; environment: string; limit: number },
): Prisma.Sql {
  const statuses = Prisma.join(ACTIVE_STATUSES.map((s) => Prisma.sql`${s}::"ActionStatus"`));
  return Prisma.sql`
    SELECT ${ACTION_COLUMNS} FROM remediation_actions
    WHERE "organizationId" = ${organizationId} AND environment = ${input.environment}
      AND status IN (${statuses}) AND "serviceName" = ${input.serviceName}
    ORDER BY "createdAt" DESC, id DESC
    LIMIT ${input.limit}`;
}

export async function listActiveForService(
  q: Queryable,
  organizationId: string,
  input: { serviceName: string; environment: string; limit: number },
): Promise<ActionRecord[]> {
  return (await queryRows<RawActionRow>(q, activeForServiceQuery(organizationId, input))).map(toAction);
}
