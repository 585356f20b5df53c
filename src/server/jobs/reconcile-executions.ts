import { z } from "zod";
import { db } from "@/server/db/client";
import {
  acrossOrganizationsRecoverLostExecutions,
  acrossOrganizationsRequeueJoblessActions,
} from "@/server/execution/recover-executions";
import { logger } from "@/server/logger";
import { defineJob } from "./definition";

/**
 * Every minute, the safety net under pg-boss's own re-delivery (contract §8): no action stays
 * EXECUTING forever after its worker died, and no QUEUED action stays without a job.
 */
export const reconcileExecutionsJob = defineJob<Record<string, never>>({
  name: "remediation-reconcile-executions",
  payload: z.object({}),
  cron: "* * * * *",
  // The next minute's pass is the retry; a pass never runs long.
  queue: { retryLimit: 0, expireInSeconds: 300 },
  async handle(_jobs, boss) {
    const lost = await acrossOrganizationsRecoverLostExecutions({ db: db(), boss });
    const jobless = await acrossOrganizationsRequeueJoblessActions({ db: db(), boss });
    if (lost.requeued + lost.failed + jobless.requeued > 0) {
      logger().warn({ lost, jobless }, "execution reconciler recovered actions");
    }
  },
});
