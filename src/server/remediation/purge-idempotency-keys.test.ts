import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { JOBS } from "@/server/job-registry";
import { createIdempotencyKey, createOrganization } from "@/test/factories";
import { acrossOrganizationsPurgeExpiredIdempotencyKeys, purgeIdempotencyKeysJob } from "./purge-idempotency-keys";

describe("purge-idempotency-keys", () => {
  it("deletes expired keys of every organization and keeps live ones", async () => {
    const [a, b] = [await createOrganization("purge"), await createOrganization("purge")];
    const now = new Date();
    const key = (organizationId: string, k: string, expiresInMs: number) =>
      createIdempotencyKey(organizationId, {
        key: k,
        actionId: "a0000000-0000-4000-8000-000000000001",
        expiresAt: new Date(now.getTime() + expiresInMs),
      });
    for (const [organizationId, k, expiresInMs] of [
      [a, "old", -1000],
      [b, "old", -5],
      [a, "live", 3600_000],
      [b, "exact", 0],
    ] as const) {
      await key(organizationId, k, expiresInMs);
    }
    expect(await acrossOrganizationsPurgeExpiredIdempotencyKeys(now)).toBe(3);
    const left = await db().idempotencyKey.findMany({ where: { organizationId: { in: [a, b] } } });
    expect(left.map((k) => `${k.organizationId}:${k.key}`)).toEqual([`${a}:live`]);
  });

  it("is registered as an hourly cron job", () => {
    expect(JOBS).toContain(purgeIdempotencyKeysJob);
    expect(purgeIdempotencyKeysJob.cron).toBe("17 * * * *");
  });
});
