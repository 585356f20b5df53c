import { z } from "zod";
import { db } from "@/server/db/client";
import { acrossOrganizationsMarkOverdueReviews } from "@/server/db/stores/override-reviews";
import { defineJob } from "@/server/jobs/definition";
import { logger } from "@/server/logger";

const MARK_OVERDUE_QUEUE = "remediation-override-reviews-overdue";
const BATCH = 1000;

/**
 * Deliberately across organizations: every override review still pending past its `dueAt` gets
 * its one OVERRIDE_REVIEW_OVERDUE event (docs/behaviour.md#override-review), in batches until none
 * is left. The marker and the event are one conditional statement, so however many workers sweep
 * at once, a review is marked once.
 */
async function acrossOrganizationsMarkOverdueOverrideReviews(now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const marked = await acrossOrganizationsMarkOverdueReviews(db(), now, BATCH);
    total += marked;
    if (marked < BATCH) return total;
  }
}

/** Every five minutes: review deadlines are hours long, so minutes late is on time. */
export const markOverdueOverrideReviewsJob = defineJob<Record<string, never>>({
  name: MARK_OVERDUE_QUEUE,
  payload: z.object({}),
  // A missed sweep is made up by the next one.
  queue: { expireInSeconds: 300, retryLimit: 0 },
  cron: "*/5 * * * *",
  async handle() {
    const marked = await acrossOrganizationsMarkOverdueOverrideReviews();
    if (marked > 0) logger().info({ marked }, "override reviews overdue");
  },
});
