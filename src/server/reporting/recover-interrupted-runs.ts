import type { Db } from "@/server/db/client";

export const INTERRUPTED_RUN_ERROR = "Report run interrupted: worker stopped";
/** Far longer than any real run (at most 20 emails, each with a 30 s budget). */
export const INTERRUPTED_AFTER_MS = 15 * 60_000;

/**
 * A process that died mid-run leaves its run `running`; this finishes such runs as failed
 * (at worker start and on every report tick). An interrupted scheduled run still counts as its
 * period's run, so `lastReportAt` moves past that period (the schedule goes on; an operator can
 * retry the run). Deliberately across organizations: it runs with no caller.
 */
export async function acrossOrganizationsRecoverInterruptedRuns(db: Db, now = new Date()): Promise<number> {
  const staleBefore = new Date(now.getTime() - INTERRUPTED_AFTER_MS);
  const rows = await db.$queryRaw<{ recovered: bigint }[]>`
    WITH stale AS (
      UPDATE "report_runs"
      SET "status" = 'failed', "error" = ${INTERRUPTED_RUN_ERROR}, "completedAt" = ${now}
      WHERE "status" = 'running' AND "startedAt" < ${staleBefore}
      RETURNING "organizationId", "trigger", "periodEnd"
    ),
    scheduled AS (
      SELECT "organizationId", max("periodEnd") AS "periodEnd" FROM stale
      WHERE "trigger" = 'schedule' GROUP BY "organizationId"
    ),
    moved AS (
      UPDATE "reporting_settings" s SET "lastReportAt" = scheduled."periodEnd"
      FROM scheduled
      WHERE s."organizationId" = scheduled."organizationId"
        AND (s."lastReportAt" IS NULL OR s."lastReportAt" < scheduled."periodEnd")
      RETURNING 1
    )
    SELECT count(*) AS recovered FROM stale`;
  return Number(rows[0]?.recovered ?? 0);
}
