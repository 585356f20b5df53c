import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createTestOrganization } from "@/test/db";
import { acrossOrganizationsPurgeExpiredIdempotencyKeys, purgeIdempotencyKeysJob } from "./purge-idempotency-keys";
import { JOBS } from "./registry";

describe("purge-idempotency-keys", () => {
  it("deletes expired keys of every organization and keeps live ones", async () => {
    const [a, b] = [await createTestOrganization("purge"), await createTestOrganization("purge")];
    const now = new Date();
    const key = (organizationId: string, k: string, expiresInMs: number) => ({
      organizationId,
      key: k,
      requestHash: "h",
      actionId: "a0000000-0000-4000-8000-000000000001",
      expiresAt: new Date(now.getTime() + expiresInMs),
    });
    await db().idempotencyKey.createMany({
      data: [key(a, "old", -1000), key(b, "old", -5), key(a, "live", 3600_000), key(b, "exact", 0)],
    });
    expect(await acrossOrganizationsPurgeExpiredIdempotencyKeys(now)).toBe(3);
    const left = await db().idempotencyKey.findMany({ where: { organizationId: { in: [a, b] } } });
    expect(left.map((k) => `${k.organizationId}:${k.key}`)).toEqual([`${a}:live`]);
  });

  it("is registered as an hourly cron job", () => {
    expect(JOBS).toContain(purgeIdempotencyKeysJob);
    expect(purgeIdempotencyKeysJob.cron).toBe("17 * * * *");
  });
});
