import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { type Checkpoint, checkpointSigningInput } from "../chain";
import { isRecord } from "./parse-line";

/** The audit public keys by kid, from a JWKS as `GET /.well-known/remediation-audit-keys` serves it. */
export type AuditKeys = ReadonlyMap<string, KeyObject>;

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Parses a JWKS: every `OKP`/`Ed25519` key with a kid; other key types are skipped (the set may
 * list keys for other uses). Throws on a file that is not a JWKS or an Ed25519 key that is not one.
 */
export function parseJwks(text: string): AuditKeys {
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    throw new Error("not JSON");
  }
  const list = isRecord(jwks) ? jwks.keys : undefined;
  if (!Array.isArray(list)) throw new Error('not a JWKS (no "keys" array)');
  const keys = new Map<string, KeyObject>();
  for (const jwk of list) {
    if (!isRecord(jwk) || jwk.kty !== "OKP" || jwk.crv !== "Ed25519") continue;
    const { kid, x } = jwk;
    if (typeof kid !== "string" || kid === "") throw new Error("an Ed25519 key without a kid");
    if (typeof x !== "string" || !BASE64URL.test(x)) throw new Error(`key ${kid} has no valid "x"`);
    try {
      keys.set(kid, createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" }));
    } catch {
      throw new Error(`key ${kid} is not an Ed25519 public key`);
    }
  }
  if (keys.size === 0) throw new Error("no Ed25519 key in it");
  return keys;
}

/** Why the checkpoint's signature does not hold, or undefined when it does. */
export function signatureProblem(checkpoint: Checkpoint, keys: AuditKeys): string | undefined {
  const key = keys.get(checkpoint.kid);
  if (!key) return `its kid ${checkpoint.kid} is not in the keys file`;
  const signature = BASE64URL.test(checkpoint.signature) ? Buffer.from(checkpoint.signature, "base64url") : undefined;
  if (signature?.length !== ED25519_SIGNATURE_BYTES) return "its signature is not a base64url Ed25519 signature";
  return verify(null, checkpointSigningInput(checkpoint), key, signature)
    ? undefined
    : `its signature does not verify with key ${checkpoint.kid} — the checkpoint was changed or signed by another key`;
}
