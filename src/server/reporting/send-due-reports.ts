import type { Db } from "@/server/db/client";
import type { ReportRunRecord as ReportRun } from "@/server/db/stores/report-runs";
import { acrossOrganizationsListScheduleCandidates } from "@/server/db/stores/reporting-settings";
import { logger } from "@/server/logger";
import { executeReportRun } from "./execute-report-run";
import { acrossOrganizationsRecoverInterruptedRuns } from "./recover-interrupted-runs";
import { CADENCE_MS, isReportDue, scheduledPeriod, scheduleSlot } from "./schedule";

/**
 * The 15-minute report schedule: recover interrupted runs, then one run per due organization.
 * Exactly once per period however many workers tick at the same time: each run's insert is a
 * claim on (organizationId, scheduleSlot), and a worker that loses the race skips quietly.
 * Deliberately across organizations: the schedule has no caller; each run is scoped.
 */
export async function acrossOrganizationsSendDueReports(db: Db, now = new Date()): Promise<ReportRun[]> {
  await acrossOrganizationsRecoverInterruptedRuns(db, now);
  // Narrowed by the (scheduledReportEnabled, lastReportAt) index; isReportDue decides.
  const candidates = await acrossOrganizationsListScheduleCandidates(db, new Date(now.getTime() - CADENCE_MS.daily));
  const sent: ReportRun[] = [];
  for (const settings of candidates.filter((s) => isReportDue(s, now))) {
    try {
      const run = await executeReportRun(db, {
        organizationId: settings.organizationId,
        trigger: "schedule",
        cadence: settings.reportCadence,
        recipients: settings.reportRecipients,
        period: scheduledPeriod(settings, now),
        scheduleSlot: scheduleSlot(settings),
      });
      if (run) sent.push(run);
    } catch (err) {
      logger().error({ err, organizationId: settings.organizationId }, "scheduled report failed to start");
    }
  }
  return sent;
}
