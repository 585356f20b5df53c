import { type Db, transaction } from "@/server/db/client";
import { acrossOrganizationsFailStaleRuns } from "@/server/db/stores/report-runs";
import { markScheduledReportSent } from "@/server/db/stores/reporting-settings";

export const INTERRUPTED_RUN_ERROR = "Report run interrupted: worker stopped";
/** Far longer than any real run (at most 20 emails, each with a 30 s budget). */
const INTERRUPTED_AFTER_MS = 15 * 60_000;

/**
 * A process that died mid-run leaves its run `running`; this finishes such runs as failed
 * (at worker start and on every report tick). An interrupted scheduled run still counts as its
 * period's run, so `lastReportAt` moves past that period in the same transaction (the schedule
 * goes on; an operator can retry the run). Deliberately across organizations: it runs with no
 * caller; each schedule it moves is its own organization's.
 */
export async function acrossOrganizationsRecoverInterruptedRuns(db: Db, now = new Date()): Promise<number> {
  const staleBefore = new Date(now.getTime() - INTERRUPTED_AFTER_MS);
  return transaction(db, async (tx) => {
    const stale = await acrossOrganizationsFailStaleRuns(tx, {
      startedBefore: staleBefore,
      error: INTERRUPTED_RUN_ERROR,
      completedAt: now,
    });
    const scheduledEnd = new Map<string, Date>();
    for (const run of stale) {
      if (run.trigger !== "schedule") continue;
      const latest = scheduledEnd.get(run.organizationId);
      if (!latest || latest < run.periodEnd) scheduledEnd.set(run.organizationId, run.periodEnd);
    }
    for (const [organizationId, periodEnd] of scheduledEnd) {
      await markScheduledReportSent(tx, organizationId, periodEnd);
    }
    return stale.length;
  });
}
