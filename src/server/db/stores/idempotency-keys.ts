import { Prisma } from "@/generated/prisma/client";
import { execute, type Queryable, queryRows } from "../client";

/** The idempotency_keys store: request keys per organization (docs/behaviour.md#idempotency). */

export type KeyClaim = { claimed: true } | { claimed: false; requestHash: string; actionId: string };

/**
 * Insert-first on the (organizationId, key) primary key, inside the request's transaction: of
 * concurrent requests with one key exactly one inserts; the others wait on that row until the
 * first commits (then read it back and replay) or rolls back (then their insert goes through).
 * An expired key is taken over in the same statement. Null when the existing row vanished
 * between the two statements (purged: only possible once expired).
 */
export async function claimIdempotencyKey(
  q: Queryable,
  organizationId: string,
  claim: { key: string; requestHash: string; actionId: string; now: Date; expiresAt: Date },
): Promise<KeyClaim | null> {
  const inserted = await queryRows<unknown>(
    q,
    Prisma.sql`
    INSERT INTO idempotency_keys ("organizationId", key, "requestHash", "actionId", "createdAt", "expiresAt")
    VALUES (${organizationId}, ${claim.key}, ${claim.requestHash}, ${claim.actionId}::uuid,
            ${claim.now}::timestamptz, ${claim.expiresAt}::timestamptz)
    ON CONFLICT ("organizationId", key) DO UPDATE
      SET "requestHash" = EXCLUDED."requestHash", "actionId" = EXCLUDED."actionId",
          "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
      WHERE idempotency_keys."expiresAt" <= EXCLUDED."createdAt"
    RETURNING 1`,
  );
  if (inserted.length > 0) return { claimed: true };
  const [row] = await queryRows<{ requestHash: string; actionId: string }>(
    q,
    Prisma.sql`
    SELECT "requestHash", "actionId" FROM idempotency_keys
    WHERE "organizationId" = ${organizationId} AND key = ${claim.key}`,
  );
  return row ? { claimed: false, requestHash: row.requestHash, actionId: row.actionId } : null;
}

/**
 * Across organizations on purpose: expired keys of every tenant go, in batches on the expiresAt
 * index so one statement never holds a long lock.
 */
export async function acrossOrganizationsPurgeExpiredKeys(q: Queryable, now: Date, batchSize: number): Promise<number> {
  let deleted = 0;
  for (;;) {
    const count = await execute(
      q,
      Prisma.sql`
      DELETE FROM idempotency_keys WHERE ctid IN (
        SELECT ctid FROM idempotency_keys WHERE "expiresAt" <= ${now}::timestamptz LIMIT ${batchSize})`,
    );
    deleted += count;
    if (count < batchSize) return deleted;
  }
}
