import { RequestCookies } from "next/dist/server/web/spec-extension/cookies";
import { getToken } from "next-auth/jwt";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { findMemberRole } from "@/server/db/stores/memberships";
import { ensureOrganization } from "@/server/db/stores/organizations";
import { AppError } from "@/server/errors";
import { cachedBearerPrincipal, verifyBearerToken } from "./bearer";
import type { Principal } from "./principal-types";
import { checkTokenUsable } from "./registered-tokens";
import { authSecret } from "./secret";
import { principalFromSessionToken } from "./session-token";

const SESSION_COOKIE = "next-auth.session-token";
const SECURE_SESSION_COOKIE = `__Secure-${SESSION_COOKIE}`;

/**
 * The one place a request becomes a principal (DESIGN habit 3), for tRPC, REST and pages:
 * an `Authorization` header wins and is final (a bad one is a 401, never a fallback to the
 * cookie, so an API client never silently acts as whoever is signed in in the browser);
 * otherwise the next-auth session cookie; otherwise null (anonymous).
 */
export async function resolvePrincipal(req: { headers: Headers }): Promise<Principal | null> {
  const authorization = req.headers.get("authorization");
  if (authorization !== null) {
    // A token verified before, a verdict that needs no read, an organization already provisioned:
    // no promise is created for any of them (each one costs on a hot read, bench P2).
    const token = bearerToken(authorization);
    const principal = cachedBearerPrincipal(token) ?? (await verifyBearerToken(token));
    const usable = checkTokenUsable(principal);
    if (usable) await usable;
    if (!provisioned.has(principal.organizationId)) await provisionOrganization(principal.organizationId);
    return principal;
  }
  return sessionPrincipal(req.headers);
}

function bearerToken(header: string): string {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header.trim());
  if (!match?.[1]) throw new AppError("UNAUTHORIZED", "Authorization header must be `Bearer <token>`");
  return match[1];
}

/**
 * getToken reads cookies from `req.cookies` (an object or anything with getAll()), which a
 * plain Request/Headers lacks: Next's own RequestCookies parses the `cookie` header. The cookie
 * name follows the one next-auth chose when setting it (`__Secure-` prefix on https origins);
 * the chunked form (`.0`, `.1`, … for large tokens) is reassembled by getToken itself.
 */
async function sessionPrincipal(headers: Headers): Promise<Principal | null> {
  const cookies = new RequestCookies(headers);
  const names = cookies.getAll().map((c) => c.name);
  const secureCookie = names.some((n) => n.startsWith(SECURE_SESSION_COOKIE));
  if (!secureCookie && !names.some((n) => n.startsWith(SESSION_COOKIE))) return null;
  const token = await getToken({
    // The typed union lists Next's request classes; at runtime only `cookies` and `headers` are read.
    req: { cookies, headers } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: authSecret(),
    secureCookie,
  });
  const principal = principalFromSessionToken(token);
  return principal && withCurrentRole(principal);
}

/**
 * The session cookie carries the role from sign-in; the membership is read again on every
 * request (one primary-key lookup) so a demoted or removed operator loses access at once,
 * not when the 12 h session ends.
 */
async function withCurrentRole(principal: Principal): Promise<Principal | null> {
  const role = await findMemberRole(db(), principal.organizationId, principal.userId);
  if (!role) return null;
  return { ...principal, role, permissions: [...ROLE_PERMISSIONS[role]] };
}

// Organizations already known to exist in this process: the hot path skips the DB. A row
// deleted behind the process's back is not re-created until restart; that is acceptable as
// organizations are never deleted by the app.
const provisioned = new Set<string>();

/**
 * An organization named by a valid token exists from its first request on
 * (docs/behaviour.md#authentication).
 */
async function provisionOrganization(organizationId: string): Promise<void> {
  if (provisioned.has(organizationId)) return;
  // INSERT … ON CONFLICT DO NOTHING: concurrent first requests both succeed.
  await ensureOrganization(db(), organizationId, organizationId);
  provisioned.add(organizationId);
}
