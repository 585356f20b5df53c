import { Prisma } from "@/generated/prisma/client";
import { type Db, queryRows } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { countByStatusQuery } from "./get-stats";
import { computePrioritySignal, type PrioritySignal, type SignalCounts } from "./priority-signal";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Everything the signal needs in ONE statement (one pool checkout and round trip per request,
 * which matters when 16 clients poll the hero at once — bench P1):
 * - pending approvals and active executions: the summed counters, as in stats;
 * - FAILED rows updated in the last 24 h and in the 24 h before: one range scan of the
 *   (organizationId, status, updatedAt) index, or (organizationId, environment, status,
 *   updatedAt) with an environment — index-only, bounded by two days of failures, not by the table.
 */
export function prioritySignalQuery(scope: OrgScope, environment: string | undefined, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH counts AS (${countByStatusQuery(scope, environment)}),
         failures AS (${recentFailuresQuery(scope, environment, now)})
    SELECT coalesce((SELECT sum(count) FROM counts WHERE status = 'PENDING_APPROVAL'), 0)::int AS "pendingApprovals",
           coalesce((SELECT sum(count) FROM counts WHERE status IN ('QUEUED', 'EXECUTING')), 0)::int AS "activeExecutions",
           failures.last AS "failedInLast24h",
           failures.previous AS "failedPrevious24h"
    FROM failures`;
}

/** The failures part of the signal (also planned on its own by the EXPLAIN test). */
export function recentFailuresQuery(scope: OrgScope, environment: string | undefined, now: Date): Prisma.Sql {
  const dayAgo = new Date(now.getTime() - DAY_MS);
  const twoDaysAgo = new Date(now.getTime() - 2 * DAY_MS);
  return Prisma.sql`
    SELECT count(*) FILTER (WHERE "updatedAt" >= ${dayAgo}::timestamptz)::int AS last,
           count(*) FILTER (WHERE "updatedAt" < ${dayAgo}::timestamptz)::int AS previous
    FROM remediation_actions
    WHERE "organizationId" = ${scope.organizationId}
      ${environment ? Prisma.sql`AND environment = ${environment}` : Prisma.empty}
      AND status = 'FAILED'::"ActionStatus"
      AND "updatedAt" >= ${twoDaysAgo}::timestamptz`;
}

/** GET /remediation/priority-signal?environment= */
export async function getPrioritySignal(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
  now: Date = new Date(),
): Promise<PrioritySignal> {
  const [counts] = await queryRows<SignalCounts>(db, prioritySignalQuery(scope, input.environment, now));
  // An aggregate without GROUP BY always returns one row.
  return computePrioritySignal(counts!);
}
