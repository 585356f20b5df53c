import { Prisma } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { countByStatus } from "./get-stats";
import { computePrioritySignal, type PrioritySignal } from "./priority-signal";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * FAILED rows updated in the last 24 h and in the 24 h before: one range scan of the
 * (organizationId, status, updatedAt) index, or (organizationId, environment, status, updatedAt)
 * with an environment — index-only, bounded by two days of failures, not by the table.
 */
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

export async function countRecentFailures(
  db: Db,
  scope: OrgScope,
  environment: string | undefined,
  now: Date,
): Promise<{ failedInLast24h: number; failedPrevious24h: number }> {
  const rows = await db.$queryRaw<{ last: number; previous: number }[]>(recentFailuresQuery(scope, environment, now));
  return { failedInLast24h: rows[0]?.last ?? 0, failedPrevious24h: rows[0]?.previous ?? 0 };
}

/** GET /remediation/priority-signal?environment= */
export async function getPrioritySignal(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
  now: Date = new Date(),
): Promise<PrioritySignal> {
  const [counts, failures] = await Promise.all([
    countByStatus(db, scope, input.environment),
    countRecentFailures(db, scope, input.environment, now),
  ]);
  return computePrioritySignal({
    pendingApprovals: counts.PENDING_APPROVAL,
    activeExecutions: counts.QUEUED + counts.EXECUTING,
    ...failures,
  });
}
