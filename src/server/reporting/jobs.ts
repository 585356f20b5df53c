import { z } from "zod";
import { db } from "@/server/db/client";
import { defineJob } from "@/server/jobs/definition";
import { logger } from "@/server/logger";
import { acrossOrganizationsEnforceRetention } from "./enforce-retention-everywhere";
import { acrossOrganizationsRecoverInterruptedRuns } from "./recover-interrupted-runs";
import { acrossOrganizationsSendDueReports } from "./send-due-reports";

const SEND_DUE_REPORTS_QUEUE = "reporting-send-due-reports";

/**
 * Every 15 minutes: recover interrupted report runs, then one run per due organization (docs/behaviour.md#reporting). Safe when several workers handle ticks at once: each period is claimed in the database.
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

const ENFORCE_RETENTION_QUEUE = "reporting-enforce-retention";

/** Daily at 03:00 UTC: retention for every organization (docs/behaviour.md#retention), in short batches. */
export const enforceRetentionJob = defineJob<Record<string, never>>({
  name: ENFORCE_RETENTION_QUEUE,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  // Batched deletes hold no long locks, but a first purge of millions of rows can take minutes.
  queue: { expireInSeconds: 3 * 3600, retryLimit: 1, retryDelay: 600 },
  cron: "0 3 * * *",
  async handle() {
    const result = await acrossOrganizationsEnforceRetention(db());
    logger().info(result, "scheduled retention enforced");
  },
});

/** The reporting domain's jobs, for the worker's registry. */
export const REPORTING_JOBS = [sendDueReportsJob, enforceRetentionJob];
