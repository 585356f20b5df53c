import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { calculateJwkThumbprint, exportJWK, type JWK } from "jose";
import { type Checkpoint, type CheckpointBody, checkpointSigningInput } from "@/audit/chain";
import { createDataFileOnce, findRepoRoot } from "@/server/data-files";
import type { Queryable } from "@/server/db/client";
import { listSigningKeys, registerSigningKey } from "@/server/db/stores/audit";
import { env, setEnv } from "@/server/env";

/**
 * The checkpoint signing key (docs/audit.md#keys): Ed25519 from AUDIT_SIGNING_KEY (PKCS#8 PEM),
 * else — never in production — one generated once into .data/audit-signing-key.pem. Its `kid` is
 * the RFC 7638 thumbprint of the public JWK, so the same key always has the same kid. Every key
 * that signs is listed in audit_signing_keys before its first signature leaves the process, so
 * the JWKS keeps old keys after a rotation and verifies every checkpoint ever issued.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/**
 * AUDIT_SIGNING_KEY from the environment; else — unless this is a declared production
 * deployment — the key kept in .data/audit-signing-key.pem (generated once), written back
 * through setEnv like AUTH_SECRET. Called by the start scripts before the app runs; `production`
 * defaults to NODE_ENV=production.
 */
export function resolveAuditSigningKey(options: { production?: boolean } = {}): string {
  const { AUDIT_SIGNING_KEY: configured, NODE_ENV } = env();
  if (configured) return configured;
  if (options.production ?? NODE_ENV === "production") {
    throw new Error("AUDIT_SIGNING_KEY must be set in production (an Ed25519 private key, PKCS#8 PEM)");
  }
  const file = createDataFileOnce(path.join(findRepoRoot(), ".data"), "audit-signing-key.pem", () =>
    generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  );
  const pem = readFileSync(file, "utf8");
  setEnv({ AUDIT_SIGNING_KEY: pem });
  return pem;
}

function privateKeyPem(): string {
  return resolveAuditSigningKey().replace(/\\n/g, "\n");
}

async function loadKey(pem: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== "ed25519") throw new Error("AUDIT_SIGNING_KEY must be an Ed25519 key");
  const { kty, crv, x } = await exportJWK(createPublicKey(privateKey));
  const kid = await calculateJwkThumbprint({ kty, crv, x });
  return { kid, privateKey, publicJwk: { kty, crv, x, kid, alg: "EdDSA", use: "sig" } };
}

let current: { pem: string; key: Promise<SigningKey>; listed?: Promise<void> } | undefined;

/** The current signing key (read once per configured key). */
function signingKey(): Promise<SigningKey> {
  const pem = privateKeyPem();
  if (current?.pem !== pem) current = { pem, key: loadKey(pem) };
  return current.key;
}

/** Lists the current key's public half (once per process and key). */
async function listCurrentKey(q: Queryable): Promise<SigningKey> {
  const key = await signingKey();
  if (current) {
    current.listed ??= registerSigningKey(q, key.kid, key.publicJwk).catch((error) => {
      if (current) current.listed = undefined;
      throw error;
    });
    await current.listed;
  }
  return key;
}

/** Signs a checkpoint body with the current key (listed in the JWKS first). */
export async function signCheckpoint(q: Queryable, body: Omit<CheckpointBody, "kid">): Promise<Checkpoint> {
  const key = await listCurrentKey(q);
  const signed: CheckpointBody = { ...body, kid: key.kid };
  const signature = sign(null, checkpointSigningInput(signed), key.privateKey).toString("base64url");
  return { ...signed, signature };
}

/** GET /.well-known/remediation-audit-keys: every key that ever signed, the current one included. */
export async function auditJwks(q: Queryable): Promise<{ keys: JWK[] }> {
  await listCurrentKey(q);
  return { keys: (await listSigningKeys(q)).map((k) => ({ ...k.publicJwk, kid: k.kid }) as JWK) };
}
