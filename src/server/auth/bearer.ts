import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { storableString } from "@/lib/schemas";
import { AppError } from "@/server/errors";
import type { Principal } from "./principal-types";
import { authSecret } from "./secret";

// API bearer tokens (docs/behaviour.md#authentication): JWS, HS256 only, 30 s clock tolerance. jose does the
// cryptography and the registered-claim checks; zod checks the claims this API adds.

const ALGORITHM = "HS256";
const CLOCK_TOLERANCE_SECONDS = 30;
const INVALID = "Invalid or expired token";

/**
 * The claims that become stored values: the user id (`performedBy`, event actors) and the
 * organization id (a key of every tenant table and index). A value PostgreSQL cannot store
 * (docs/behaviour.md#storable-text), or one too long for an index key, is not a credential.
 */
const MAX_ID_CLAIM_LENGTH = 200;
const idClaim = storableString()
  .max(MAX_ID_CLAIM_LENGTH)
  .refine((s) => s.trim() !== "", "must be a non-empty string");

const claimsSchema = z.object({
  sub: idClaim,
  organizationId: idClaim,
  permissions: z.array(z.string()),
  exp: z.number(),
  // Any string: a jti names a registered token, and one that names none is refused later
  // (registered-tokens.ts), not here.
  jti: z.string().max(MAX_ID_CLAIM_LENGTH).optional(),
  email: z.string().optional(),
  name: z.string().optional(),
});

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/**
 * Tokens already verified by this process, until their `exp` (+ the clock tolerance): an API
 * client sends the same token on every request, and HS256 verification through WebCrypto
 * (key import, HMAC, claim parsing) was ~10% of a hot read's CPU (bench P2). Only successes
 * are kept; the key includes the secret, so a token signed with another secret never matches.
 * Bounded: at VERIFIED_MAX entries the oldest is dropped (Map keeps insertion order). This is
 * the signature only: a registered token's revocation is checked after it (registered-tokens.ts).
 */
const verified = new Map<string, { principal: Principal; validUntilMs: number }>();
const VERIFIED_MAX = 10_000;

/**
 * The principal of a token this process already verified and that has not expired since;
 * undefined otherwise (then `verifyBearerToken` does the work). Synchronous, so the hot path
 * (resolve-principal.ts) creates no promise for a cache hit.
 */
export function cachedBearerPrincipal(token: string, secret = authSecret()): Principal | undefined {
  const cacheKey = `${secret}\u0000${token}`;
  const hit = verified.get(cacheKey);
  if (!hit) return undefined;
  if (Date.now() <= hit.validUntilMs) return hit.principal;
  verified.delete(cacheKey);
  return undefined;
}

/** A verified token → its principal. Every failure is a 401 AppError, never a 500. */
export async function verifyBearerToken(token: string, secret = authSecret()): Promise<Principal> {
  const hit = cachedBearerPrincipal(token, secret);
  if (hit) return hit;
  const cacheKey = `${secret}\u0000${token}`;
  const { principal, exp } = await verifyUncached(token, secret);
  if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
  verified.set(cacheKey, { principal, validUntilMs: principal.validUntilMs ?? (exp + CLOCK_TOLERANCE_SECONDS) * 1000 });
  return principal;
}

async function verifyUncached(token: string, secret: string): Promise<{ principal: Principal; exp: number }> {
  let payload: unknown;
  try {
    // `algorithms` is the allow-list: `none`, HS384/HS512 and every asymmetric algorithm are
    // refused before any signature work; `requiredClaims` makes a token without exp invalid.
    ({ payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALGORITHM],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["exp", "sub"],
    }));
  } catch {
    // Whatever jose rejects (malformed, bad signature, algorithm, expiry) is the caller's token.
    throw new AppError("UNAUTHORIZED", INVALID);
  }

  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) {
    const fields = [...new Set(claims.error.issues.map((i) => String(i.path[0] ?? "payload")))];
    throw new AppError("UNAUTHORIZED", `Invalid token claims: ${fields.join(", ")}`);
  }
  const { sub, organizationId, permissions, email, name, exp, jti } = claims.data;
  // Frozen: the same object answers every request carrying this token.
  const principal: Principal = Object.freeze({
    userId: sub,
    organizationId,
    permissions: Object.freeze(permissions) as string[],
    ...(email !== undefined && { email }),
    ...(name !== undefined && { name }),
    ...(jti !== undefined && { tokenId: jti }),
    via: "token" as const,
    validUntilMs: (exp + CLOCK_TOLERANCE_SECONDS) * 1000,
  });
  return { principal, exp };
}

export interface SignTokenInput {
  sub: string;
  organizationId: string;
  permissions: readonly string[];
  ttlSeconds: number;
  email?: string;
  name?: string;
  /** The registered token's record id (docs/behaviour.md#api-tokens); unset: an unregistered token. */
  jti?: string;
  /** Seconds since epoch (default: now); `exp` is this + ttlSeconds, so a caller can store the same instant. */
  issuedAt?: number;
}

/** Issues a token the API accepts (CLI `npm run token`, tests, registered tokens with their `jti`). */
export async function signToken(input: SignTokenInput, secret = authSecret()): Promise<string> {
  const { sub, organizationId, permissions, ttlSeconds, email, name, jti, issuedAt } = input;
  // A negative ttl is allowed on purpose: tests mint already-expired tokens. The CLI refuses it.
  if (!Number.isInteger(ttlSeconds)) throw new RangeError(`ttlSeconds must be an integer, got ${ttlSeconds}`);
  if (!sub.trim() || !organizationId.trim()) throw new RangeError("sub and organizationId must be non-empty");
  const now = issuedAt ?? Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    organizationId,
    permissions: [...permissions],
    ...(email !== undefined && { email }),
    ...(name !== undefined && { name }),
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + ttlSeconds);
  return (jti === undefined ? jwt : jwt.setJti(jti)).sign(keyOf(secret));
}
