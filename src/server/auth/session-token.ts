import type { JWT } from "next-auth/jwt";
import type { RoleName } from "@/lib/permissions";
import type { Principal } from "./principal-types";

/**
 * Browser session tokens (docs/behaviour.md#authentication). Role and permissions are copied into the token at
 * sign-in and not re-read per request, so a session is capped at 12 h from sign-in: a removed
 * or demoted user loses access within that window. Kept apart from next-auth.ts so request
 * resolution does not load the providers, bcrypt or Prisma queries of sign-in.
 */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

declare module "next-auth/jwt" {
  interface JWT {
    userId?: string;
    organizationId?: string;
    role?: RoleName;
    permissions?: string[];
    /** Seconds since epoch; next-auth re-issues `exp` on every session read, this does not move. */
    signedInAt?: number;
  }
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Absolute cap, independent of the rolling cookie expiry next-auth applies on each read. */
export function sessionExpired(token: JWT, now = nowSeconds()): boolean {
  return typeof token.signedInAt !== "number" || now - token.signedInAt > SESSION_MAX_AGE_SECONDS;
}

/** A decoded session token → principal, or null when it is incomplete or too old. */
export function principalFromSessionToken(token: JWT | null): Principal | null {
  if (!token || sessionExpired(token)) return null;
  const { userId, organizationId, role, permissions } = token;
  if (!userId || !organizationId || !Array.isArray(permissions)) return null;
  return {
    userId,
    organizationId,
    permissions,
    ...(role && { role }),
    ...(token.email && { email: token.email }),
    ...(token.name && { name: token.name }),
    via: "session",
    validUntilMs: ((token.signedInAt ?? 0) + SESSION_MAX_AGE_SECONDS) * 1000,
  };
}
