import { ROLE_PERMISSIONS, ROLES, type RoleName } from "@/lib/permissions";
import { isStorableText } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import { appendEvent } from "@/server/db/stores/events";
import { acrossOrganizationsFirstMembership } from "@/server/db/stores/memberships";
import { claimSignInAttempt, releaseSignInAttempt, type ThrottleRule } from "@/server/db/stores/sign-in-throttles";
import { findUserByEmail } from "@/server/db/stores/users";
import { verifyPassword } from "./password";

/** 5 failed sign-ins for one address within 15 minutes close the window (docs/behaviour.md#sign-in). */
export const SIGN_IN_THROTTLE: ThrottleRule = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

// Compared against when the email is unknown, so a miss costs the same bcrypt time as a hit
// and response timing does not reveal which emails have accounts.
const DUMMY_HASH = "$2b$10$BsXQbTMDEoMKLoiuOeFJ9O5L5ESD05lLbXUYBs762voHaBrjHpPn2";

export interface SignedInUser {
  id: string;
  email: string;
  name: string;
  organizationId: string;
  role: RoleName;
  permissions: string[];
}

export type PasswordSignIn =
  | { outcome: "signed-in"; user: SignedInUser }
  | { outcome: "refused" }
  | { outcome: "throttled"; retryAfterSeconds: number };

/** Trimmed and lower-cased: the throttle's key and the events' `data.email`. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The user with the organization of their first membership (the one they joined first). */
async function findAccount(db: Db, email: string) {
  const user = await findUserByEmail(db, email);
  if (!user) return undefined;
  return { ...user, membership: await acrossOrganizationsFirstMembership(db, user.id) };
}

/**
 * Email and password sign-in (docs/behaviour.md#sign-in). The attempt is counted against the
 * address's throttle window before the password is looked at, and given back when it succeeds;
 * a full window refuses even the right password. Sign-ins and refusals of a member are events
 * of the organization they sign in to; an address that is no member has no organization, so
 * its refusals are not recorded as events.
 */
export async function signInWithPassword(
  deps: { db: Db; now?: Date },
  credentials: { email?: string; password?: string },
): Promise<PasswordSignIn> {
  const email = normalizeEmail(credentials.email ?? "");
  const password = credentials.password ?? "";
  // An email PostgreSQL cannot hold matches no account (docs/behaviour.md#storable-text).
  if (!email || !password || !isStorableText(email)) return { outcome: "refused" };
  const { db } = deps;

  const claim = await claimSignInAttempt(db, email, deps.now ?? new Date(), SIGN_IN_THROTTLE);
  const account = await findAccount(db, email);
  const membership = account?.membership && ROLES.includes(account.membership.role) ? account.membership : undefined;
  const refuse = async (reason: string) => {
    if (membership) {
      await appendEvent(db, membership.organizationId, {
        actionId: null,
        type: "SIGN_IN_REFUSED",
        actor: email,
        data: { reason, email },
      });
    }
  };

  if (!claim.allowed) {
    // One event per closed window, not per refused attempt: a flood cannot grow the audit chain.
    if (claim.firstRefusal) await refuse("throttled");
    return { outcome: "throttled", retryAfterSeconds: Math.ceil(claim.retryAfterMs / 1000) };
  }
  const matches = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
  // No membership = no organization to act in: same answer as a wrong password.
  if (!account || !matches || !membership) {
    if (account && !matches) await refuse("wrong-password");
    return { outcome: "refused" };
  }
  await releaseSignInAttempt(db, email, claim.windowStartedAt);
  await appendEvent(db, membership.organizationId, {
    actionId: null,
    type: "SIGNED_IN",
    actor: account.email,
    data: { method: "credentials" },
  });
  return {
    outcome: "signed-in",
    user: {
      id: account.id,
      email: account.email,
      name: account.name,
      organizationId: membership.organizationId,
      role: membership.role,
      permissions: [...ROLE_PERMISSIONS[membership.role]],
    },
  };
}
