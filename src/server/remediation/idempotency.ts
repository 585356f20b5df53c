import { createHash } from "node:crypto";
import type { Tx } from "@/server/db/client";
import { claimIdempotencyKey, type KeyClaim } from "@/server/db/stores/idempotency-keys";
import { AppError } from "@/server/errors";

/** Idempotency keys live 24 h per organization (docs/behaviour.md#idempotency); expired ones are replaced. */
const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

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
function canonicalJson(value: unknown): string {
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

/**
 * Claims `key` for a new action inside the request's transaction (the store's insert-first
 * statement decides races). A key whose row vanished between the store's two statements (purged
 * once expired) answers 409 "retry".
 */
export async function claimKey(
  tx: Tx,
  organizationId: string,
  claim: { key: string; requestHash: string; actionId: string; now: Date },
): Promise<KeyClaim> {
  const expiresAt = new Date(claim.now.getTime() + IDEMPOTENCY_TTL_MS);
  const result = await claimIdempotencyKey(tx, organizationId, { ...claim, expiresAt });
  if (!result) throw new AppError("CONFLICT", "Idempotency-Key is being replaced; retry the request");
  return result;
}
