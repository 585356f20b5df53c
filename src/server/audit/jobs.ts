import { z } from "zod";
import { db } from "@/server/db/client";
import { acquireListener } from "@/server/db/listener";
import { defineJob } from "@/server/jobs/definition";
import { logger } from "@/server/logger";
import { acrossOrganizationsSealAll, startSealer } from "./sealer";

const SEAL_SWEEP_QUEUE = "audit-seal-sweep";

/**
 * The audit sealer (docs/audit.md#sealing): the worker's service seals an organization as soon
 * as its events commit; this job is the backstop, every minute, for anything a lost
 * notification left unsealed.
 */
export const auditSealJob = defineJob<Record<string, never>>({
  name: SEAL_SWEEP_QUEUE,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  queue: { expireInSeconds: 600, retryLimit: 0 },
  cron: "* * * * *",
  async handle() {
    const sealed = await acrossOrganizationsSealAll(db());
    if (sealed > 0) logger().info({ sealed }, "audit sweep sealed events");
  },
  service() {
    const { listener, release } = acquireListener();
    const sealer = startSealer(db(), listener);
    return {
      ready: sealer.ready,
      async stop() {
        await sealer.stop();
        await release();
      },
    };
  },
});
