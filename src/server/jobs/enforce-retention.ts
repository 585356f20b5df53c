import { z } from "zod";
import { db } from "@/server/db/client";
import { logger } from "@/server/logger";
import { acrossOrganizationsEnforceRetention } from "@/server/reporting/enforce-retention-everywhere";
import { defineJob } from "./definition";

export const ENFORCE_RETENTION_QUEUE = "reporting-enforce-retention";

/** Daily at 03:00 UTC: retention for every organization (contract §9), in short batches. */
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
