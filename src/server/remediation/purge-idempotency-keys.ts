import { z } from "zod";
import { db } from "@/server/db/client";
import { acrossOrganizationsPurgeExpiredKeys } from "@/server/db/stores/idempotency-keys";
import { defineJob } from "@/server/jobs/definition";
import { logger } from "@/server/logger";

const PURGE_IDEMPOTENCY_KEYS_QUEUE = "purge-idempotency-keys";
const BATCH = 5000;

/**
 * Deliberately across organizations: expired keys (24 h, docs/behaviour.md#idempotency) of every
 * organization go, in batches. Requests already ignore and take over expired keys, so this only
 * keeps the table small.
 */
export function acrossOrganizationsPurgeExpiredIdempotencyKeys(now: Date = new Date()): Promise<number> {
  return acrossOrganizationsPurgeExpiredKeys(db(), now, BATCH);
}

export const purgeIdempotencyKeysJob = defineJob<Record<string, never>>({
  name: PURGE_IDEMPOTENCY_KEYS_QUEUE,
  payload: z.object({}).strip() as unknown as z.ZodType<Record<string, never>>,
  cron: "17 * * * *",
  async handle() {
    const deleted = await acrossOrganizationsPurgeExpiredIdempotencyKeys();
    if (deleted > 0) logger().info({ deleted }, "expired idempotency keys purged");
  },
});
