import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { countByStatus, type StatusCounts } from "@/server/db/stores/counters";

/** completed / total × 100, one decimal, 0 when total is 0 (31 of 42 → 73.8). */
function successRate(completed: number, total: number): number {
  return total === 0 ? 0 : Math.round((completed * 1000) / total) / 10;
}

/** GET /remediation/stats?environment= (exact counts from the counters, docs/adr/0003-counter-stripes.md). */
export async function getStats(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
) {
  return statsFromCounts(await countByStatus(db, scope.organizationId, input.environment));
}

/** The stats shape from per-status counts (shared with the bench's bare-pg baseline). */
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
