import { Prisma } from "@/generated/prisma/client";
import { type Db, queryRows } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import type { ActionRow } from "./schemas";

export type StatusCounts = Record<ActionRow["status"], number>;

/**
 * Exact per-status counts from remediation_counters (kept by the trigger on remediation_actions):
 * a primary-key range read of at most (environments × 6 statuses × 16 stripes) rows, summed,
 * whatever the table size.
 */
export function countByStatusQuery(scope: OrgScope, environment?: string): Prisma.Sql {
  return Prisma.sql`
    SELECT status::text AS status, sum(count)::bigint AS count
    FROM remediation_counters
    WHERE "organizationId" = ${scope.organizationId}
      ${environment ? Prisma.sql`AND environment = ${environment}` : Prisma.empty}
    GROUP BY 1`;
}

export async function countByStatus(db: Db, scope: OrgScope, environment?: string): Promise<StatusCounts> {
  // count arrives as a string (int8) from the pool, a bigint through Prisma: Number() reads both.
  const rows = await queryRows<{ status: ActionRow["status"]; count: string | bigint }>(
    db,
    countByStatusQuery(scope, environment),
  );
  const counts: StatusCounts = { PENDING_APPROVAL: 0, QUEUED: 0, EXECUTING: 0, COMPLETED: 0, FAILED: 0, REJECTED: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** completed / total × 100, one decimal, 0 when total is 0 (31 of 42 → 73.8). */
export function successRate(completed: number, total: number): number {
  return total === 0 ? 0 : Math.round((completed * 1000) / total) / 10;
}

/** GET /remediation/stats?environment= */
export async function getStats(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
) {
  return statsFromCounts(await countByStatus(db, scope, input.environment));
}

/** The §7 stats shape from per-status counts (shared with the bench's bare-pg baseline). */
export function statsFromCounts(c: StatusCounts) {
  const total = Object.values(c).reduce((a, b) => a + b, 0);
  return {
    total,
    pending: c.PENDING_APPROVAL,
    queued: c.QUEUED,
    executing: c.EXECUTING,
    completed: c.COMPLETED,
    failed: c.FAILED,
    rejected: c.REJECTED,
    successRate: successRate(c.COMPLETED, total),
  };
}
