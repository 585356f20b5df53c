import { randomBytes } from "node:crypto";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { isStorableText } from "@/lib/schemas";
import { type Db, transaction } from "@/server/db/client";
import { appendEvent } from "@/server/db/stores/events";
import { upsertMembership } from "@/server/db/stores/memberships";
import { ensureOrganization } from "@/server/db/stores/organizations";
import { ensureUser } from "@/server/db/stores/users";
import { type RoleMapping, roleFromClaims } from "./oidc-roles";
import { hashPassword } from "./password";
import { normalizeEmail, type SignedInUser } from "./sign-in-with-password";

export interface OidcSettings {
  organizationId: string;
  roleClaim: string;
  roleMap: readonly RoleMapping[];
}

export type OidcSignIn = { outcome: "signed-in"; user: SignedInUser } | { outcome: "refused"; reason: string };

/**
 * An SSO sign-in after the provider's answer passed next-auth's checks (PKCE, state, nonce, the
 * ID token's signature and audience): just-in-time provisioning (docs/behaviour.md#sign-in).
 * The account is found by email or created (with an unusable random password: SSO users have
 * none), and its membership in the SSO organization gets the role the claims map to on every
 * sign-in, so the identity provider's groups stay the source of truth. The user, the
 * membership and the SIGNED_IN event are one transaction.
 */
export async function signInWithOidc(
  deps: { db: Db },
  settings: OidcSettings,
  claims: Record<string, unknown>,
): Promise<OidcSignIn> {
  const email = typeof claims.email === "string" ? normalizeEmail(claims.email) : "";
  if (!email || email.length > 320 || !isStorableText(email)) return { outcome: "refused", reason: "no-email" };
  // An address the provider says it has not verified must not take over an existing account.
  if (claims.email_verified === false) return { outcome: "refused", reason: "email-not-verified" };
  const rawName = [claims.name, claims.preferred_username].find((v) => typeof v === "string" && v.trim());
  const name = typeof rawName === "string" && isStorableText(rawName) ? rawName.trim().slice(0, 200) : email;
  const role = roleFromClaims(claims, settings.roleClaim, settings.roleMap);
  const { organizationId } = settings;
  const passwordHash = await hashPassword(randomBytes(32).toString("base64url"));

  const user = await transaction(deps.db, async (tx) => {
    await ensureOrganization(tx, organizationId, organizationId);
    const account = await ensureUser(tx, { email, name, passwordHash });
    await upsertMembership(tx, organizationId, { userId: account.id, role });
    await appendEvent(tx, organizationId, {
      actionId: null,
      type: "SIGNED_IN",
      actor: account.email,
      data: { method: "oidc" },
    });
    return account;
  });
  return {
    outcome: "signed-in",
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      organizationId,
      role,
      permissions: [...ROLE_PERMISSIONS[role]],
    },
  };
}
