import { z } from "zod";
import { db } from "@/server/db/client";
import { logger } from "@/server/logger";
import { defineJob } from "./definition";

export const PURGE_IDEMPOTENCY_KEYS_QUEUE = "purge-idempotency-keys";
const BATCH = 5000;

/**
 * Deliberately across organizations: expired keys (24 h, contract §6) of every organization go,
 * in batches on the expiresAt index so one run never holds a long lock. Requests already ignore
 * and take over expired keys, so this only keeps the table small.
 */
export async function acrossOrganizationsPurgeExpiredIdempotencyKeys(now: Date = new Date()): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await db().$executeRaw`
      DELETE FROM idempotency_keys WHERE ctid IN (
        SELECT ctid FROM idempotency_keys WHERE "expiresAt" <= ${now}::timestamptz LIMIT ${BATCH})`;
    deleted += count;
    if (count < BATCH) return deleted;
  }
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
