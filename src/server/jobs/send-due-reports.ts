import { z } from "zod";
import { db } from "@/server/db/client";
import { logger } from "@/server/logger";
import { acrossOrganizationsRecoverInterruptedRuns } from "@/server/reporting/recover-interrupted-runs";
import { acrossOrganizationsSendDueReports } from "@/server/reporting/send-due-reports";
import { defineJob } from "./definition";

export const SEND_DUE_REPORTS_QUEUE = "reporting-send-due-reports";

/**
 * Every 15 minutes: recover interrupted report runs, then one run per due organization (contract
 * §9). Safe when several workers handle ticks at once: each period is claimed in the database.
 */
export const sendDueReportsJob = defineJob<Record<string, never>>({
  name: SEND_DUE_REPORTS_QUEUE,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  // A tick may send many organizations' reports; a missed tick is made up by the next one.
  queue: { expireInSeconds: 3600, retryLimit: 0 },
  cron: "*/15 * * * *",
  onWorkerStart: () => acrossOrganizationsRecoverInterruptedRuns(db()),
  async handle() {
    const runs = await acrossOrganizationsSendDueReports(db());
    if (runs.length > 0) logger().info({ runs: runs.map((r) => r.id) }, "scheduled reports sent");
  },
});
