import { createHash, hash as oneShotHash } from "node:crypto";
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

/**
 * Lowercase hex SHA-256 of the canonical JSON of the event's chained fields. The object is
 * written member by member: RFC 8785 orders members by their UTF-16 code units, and these eight
 * names are ASCII, so this is their canonical order; every value is still canonicalized by the
 * library. Byte for byte `canonicalJson({ organizationId, seq, … })` (a test pins it), at two
 * thirds of the cost, which the verifier's speed depends on (docs/audit.md#verify).
 */
export function eventHash(event: ChainedEventFields): string {
  const { organizationId, seq, actionId, type, actor, data, createdAt, prevHash } = event;
  const text =
    `{"actionId":${canonicalJson(actionId)},"actor":${canonicalJson(actor)},` +
    `"createdAt":${canonicalJson(createdAt)},"data":${canonicalJson(data)},` +
    `"organizationId":${canonicalJson(organizationId)},"prevHash":${canonicalJson(prevHash)},` +
    `"seq":${canonicalJson(seq)},"type":${canonicalJson(type)}}`;
  return sha256Hex(text);
}

/** crypto.hash (Node ≥ 20.12) hashes in one call, without a Hash object. */
function sha256Hex(text: string): string {
  return typeof oneShotHash === "function"
    ? oneShotHash("sha256", text, "hex")
    : createHash("sha256").update(text).digest("hex");
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
