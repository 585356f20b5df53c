import { z } from "zod";
import { db } from "@/server/db/client";
import { acrossOrganizationsExpireDueActions } from "@/server/db/stores/actions";
import { defineJob } from "@/server/jobs/definition";
import { logger } from "@/server/logger";
import { observeDecision } from "@/server/metrics/registry";

const EXPIRE_PENDING_QUEUE = "remediation-expire-pending";
const BATCH = 1000;
/** Sweeps after the minute's first one, in seconds: together they keep every gap under 60 s. */
const FOLLOW_UP_SECONDS = [20, 40];

/**
 * Deliberately across organizations: expires every PENDING_APPROVAL action past its `expiresAt`
 * (docs/behaviour.md#expiry), in batches until none is due. Each row moves in one conditional
 * statement with its EXPIRED event, so however many workers sweep at once, an action expires once.
 */
async function acrossOrganizationsExpirePendingActions(now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await acrossOrganizationsExpireDueActions(db(), now, BATCH);
    for (const e of expired) observeDecision(e.organizationId, "expired", e.seconds);
    total += expired.length;
    if (expired.length < BATCH) return total;
  }
}

/**
 * Every minute (pg-boss cron: the tick's job is created up to ~30 s into the minute), plus two
 * follow-up sweeps 20 and 40 s later sent by the tick, so a due action waits less than a minute
 * whatever the cron's lateness. Approve and reject also expire a due action at once.
 */
export const expirePendingActionsJob = defineJob<{ followUp?: boolean }>({
  name: EXPIRE_PENDING_QUEUE,
  payload: z.object({ followUp: z.boolean().optional() }),
  // A missed sweep is made up by the next one.
  queue: { expireInSeconds: 300, retryLimit: 0 },
  cron: "* * * * *",
  async handle(jobs, boss) {
    const expired = await acrossOrganizationsExpirePendingActions();
    if (expired > 0) logger().info({ expired }, "pending approvals expired");
    if (jobs.some((job) => !job.data.followUp)) {
      for (const seconds of FOLLOW_UP_SECONDS) {
        await boss.send(EXPIRE_PENDING_QUEUE, { followUp: true }, { startAfter: seconds });
      }
    }
  },
});
