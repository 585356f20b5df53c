import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * The audit chain's one definition of an event hash and a checkpoint's signed bytes
 * (docs/audit.md#chain), shared by the server (which seals and signs) and the offline verifier
 * (which must not import the server): pure, node:crypto and RFC 8785 canonical JSON only.
 */

/** seq 1's prevHash. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields an event's hash covers, exactly as the export writes them. */
export interface ChainedEventFields {
  organizationId: string;
  seq: number;
  actionId: string | null;
  type: string;
  actor: string;
  data: unknown;
  /** ISO 8601 UTC with milliseconds. */
  createdAt: string;
  prevHash: string;
}

/** RFC 8785 canonical JSON (throws on values JSON cannot represent). */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value has no canonical JSON form");
  return text;
}

/** Lowercase hex SHA-256 of the canonical JSON of the event's chained fields. */
export function eventHash(event: ChainedEventFields): string {
  const { organizationId, seq, actionId, type, actor, data, createdAt, prevHash } = event;
  return createHash("sha256")
    .update(canonicalJson({ organizationId, seq, actionId, type, actor, data, createdAt, prevHash }))
    .digest("hex");
}

/** What a checkpoint signs: every field but the signature. */
export interface CheckpointBody {
  organizationId: string;
  seq: number;
  hash: string;
  issuedAt: string;
  kid: string;
}

export interface Checkpoint extends CheckpointBody {
  /** base64url Ed25519 signature over `checkpointSigningInput(body)`. */
  signature: string;
}

/** The bytes a checkpoint's signature covers. */
export function checkpointSigningInput(body: CheckpointBody): Buffer {
  const { organizationId, seq, hash, issuedAt, kid } = body;
  return Buffer.from(canonicalJson({ organizationId, seq, hash, issuedAt, kid }), "utf8");
}
