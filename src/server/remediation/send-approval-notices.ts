import { z } from "zod";
import { type Db, db } from "@/server/db/client";
import { emailSettings } from "@/server/email";
import { appUrl } from "@/server/env";
import { defineJob } from "@/server/jobs/definition";
import { logger } from "@/server/logger";
import { acrossOrganizationsClaimDueNotices } from "./claim-approval-notices";
import { type ApprovalNoticeSettings, acrossOrganizationsDeliverApprovalNotices } from "./deliver-approval-notices";

const APPROVAL_NOTICES_QUEUE = "remediation-approval-notices";
/** Sweeps after the minute's first one, in seconds: together they keep every gap under 60 s. */
const FOLLOW_UP_SECONDS = [20, 40];

/** The environment's settings: the email adapter of reports, and APP_URL for the link. */
function environmentSettings(): ApprovalNoticeSettings {
  return { email: emailSettings(), appUrl: appUrl() };
}

/**
 * One sweep (docs/behaviour.md#approval-reminders): write the reminders and escalations due by
 * `now` (each once, with its event), then send every email due, new ones and retries.
 */
export async function sendApprovalNotices(
  database: Db,
  settings: ApprovalNoticeSettings = environmentSettings(),
  now: Date = new Date(),
): Promise<{ notices: number; sent: number; failed: number }> {
  const notices = await acrossOrganizationsClaimDueNotices(database, now);
  const { sent, failed } = await acrossOrganizationsDeliverApprovalNotices(database, settings, now);
  return { notices, sent, failed };
}

/**
 * Every minute (pg-boss cron), plus two follow-up sweeps 20 and 40 s later sent by the tick, so a
 * notice goes out less than a minute after it is due (the pattern of the expiry schedule).
 */
export const sendApprovalNoticesJob = defineJob<{ followUp?: boolean }>({
  name: APPROVAL_NOTICES_QUEUE,
  payload: z.object({ followUp: z.boolean().optional() }),
  // A missed sweep is made up by the next one; deliveries carry their own retries.
  queue: { expireInSeconds: 900, retryLimit: 0 },
  cron: "* * * * *",
  async handle(jobs, boss) {
    const result = await sendApprovalNotices(db());
    if (result.notices + result.sent + result.failed > 0) logger().info(result, "approval notices sent");
    if (jobs.some((job) => !job.data.followUp)) {
      for (const seconds of FOLLOW_UP_SECONDS) {
        await boss.send(APPROVAL_NOTICES_QUEUE, { followUp: true }, { startAfter: seconds });
      }
    }
  },
});
