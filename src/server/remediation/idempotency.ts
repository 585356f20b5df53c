import { createHash } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { type PgTx, queryRows, type Tx } from "@/server/db/client";
import { AppError } from "@/server/errors";

/** Idempotency keys live 24 h per organization (contract §6); expired ones are replaced. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header, if any; a malformed one is a 400 (validation comes first). */
export function idempotencyKeyFrom(headers: Headers | undefined): string | undefined {
  const raw = headers?.get("idempotency-key");
  if (raw === null || raw === undefined) return undefined;
  const key = raw.trim();
  if (!KEY_PATTERN.test(key)) {
    throw new AppError("BAD_REQUEST", "Idempotency-Key must be 1 to 255 visible ASCII characters", {
      issues: [{ path: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters" }],
    });
  }
  return key;
}

/** JSON with object keys sorted at every level: the same body always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

export type KeyClaim = { claimed: true } | { claimed: false; requestHash: string; actionId: string };

/**
 * Insert-first on the (organizationId, key) primary key, inside the request's transaction: of
 * concurrent requests with one key exactly one inserts; the others wait on that row until the
 * first commits (then read it back and replay) or rolls back (then their insert goes through).
 * An expired key is taken over in the same statement.
 */
export async function claimIdempotencyKey(
  tx: Tx | PgTx,
  claim: { organizationId: string; key: string; requestHash: string; actionId: string; now: Date },
): Promise<KeyClaim> {
  const expiresAt = new Date(claim.now.getTime() + IDEMPOTENCY_TTL_MS);
  const inserted = await queryRows<unknown>(
    tx,
    Prisma.sql`
    INSERT INTO idempotency_keys ("organizationId", key, "requestHash", "actionId", "createdAt", "expiresAt")
    VALUES (${claim.organizationId}, ${claim.key}, ${claim.requestHash}, ${claim.actionId}::uuid,
            ${claim.now}::timestamptz, ${expiresAt}::timestamptz)
    ON CONFLICT ("organizationId", key) DO UPDATE
      SET "requestHash" = EXCLUDED."requestHash", "actionId" = EXCLUDED."actionId",
          "createdAt" = EXCLUDED."createdAt", "expiresAt" = EXCLUDED."expiresAt"
      WHERE idempotency_keys."expiresAt" <= EXCLUDED."createdAt"
    RETURNING 1`,
  );
  if (inserted.length > 0) return { claimed: true };
  const existing = await queryRows<{ requestHash: string; actionId: string }>(
    tx,
    Prisma.sql`
    SELECT "requestHash", "actionId" FROM idempotency_keys
    WHERE "organizationId" = ${claim.organizationId} AND key = ${claim.key}`,
  );
  const row = existing[0];
  // Purged between the two statements (only possible once expired): the caller retries.
  if (!row) throw new AppError("CONFLICT", "Idempotency-Key is being replaced; retry the request");
  return { claimed: false, requestHash: row.requestHash, actionId: row.actionId };
}
