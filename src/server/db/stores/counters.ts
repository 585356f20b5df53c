import { Prisma } from "@/generated/prisma/client";
import type { ActionStatus } from "@/lib/schemas";
import { type Queryable, queryRows } from "../client";

/**
 * The remediation_counters store: per-status counts kept exact by the trigger on
 * remediation_actions, 16 stripes per (organization, environment, status)
 * (docs/adr/0003-counter-stripes.md). Only read here; the trigger is the only writer.
 */

export type StatusCounts = Record<ActionStatus, number>;

/**
 * Exact per-status counts: a primary-key range read of at most (environments × 6 statuses × 16
 * stripes) rows, summed, whatever the table size. Exported for the bench's bare-pg baseline and
 * the EXPLAIN test.
 */
export function countByStatusQuery(organizationId: string, environment?: string): Prisma.Sql {
  return Prisma.sql`
    SELECT status::text AS status, sum(count)::bigint AS count
    FROM remediation_counters
    WHERE "organizationId" = ${organizationId}
      ${environment ? Prisma.sql`AND environment = ${environment}` : Prisma.empty}
    GROUP BY 1`;
}

export async function countByStatus(q: Queryable, organizationId: string, environment?: string): Promise<StatusCounts> {
  // int8 arrives as a string from pg.
  const rows = await queryRows<{ status: ActionStatus; count: string }>(
    q,
    countByStatusQuery(organizationId, environment),
  );
  const counts: StatusCounts = { PENDING_APPROVAL: 0, QUEUED: 0, EXECUTING: 0, COMPLETED: 0, FAILED: 0, REJECTED: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
