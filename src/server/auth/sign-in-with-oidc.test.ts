import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db, requirePool } from "@/server/db/client";
import { findMemberRole } from "@/server/db/stores/memberships";
import { findUserByEmail } from "@/server/db/stores/users";
import { createOrganization, createUser } from "@/test/factories";
import { verifyPassword } from "./password";
import { type OidcSettings, signInWithOidc } from "./sign-in-with-oidc";
import { signInWithPassword } from "./sign-in-with-password";

// docs/behaviour.md#sign-in: just-in-time provisioning into the SSO organization.

function settingsFor(organizationId: string): OidcSettings {
  return {
    organizationId,
    roleClaim: "groups",
    roleMap: [
      { group: "rcc-admins", role: "admin" },
      { group: "rcc-operators", role: "operator" },
    ],
  };
}

const ssoOrg = () => `sso-${randomUUID().slice(0, 8)}`;
const address = (who: string) => `${who}-${randomUUID().slice(0, 8)}@idp.test`;

async function signedInEvents(organizationId: string) {
  const { rows } = await requirePool(db(), "test").query<{ actor: string; data: unknown }>(
    `SELECT actor, data FROM remediation_events
     WHERE "organizationId" = $1 AND type = 'SIGNED_IN' AND "actionId" IS NULL ORDER BY "createdAt"`,
    [organizationId],
  );
  return rows;
}

describe("SSO sign-in", () => {
  it("provisions the organization, the user and a membership with the mapped role, and records SIGNED_IN", async () => {
    const org = ssoOrg();
    const email = address("ada");
    const result = await signInWithOidc({ db: db() }, settingsFor(org), {
      sub: "u1",
      email: email.toUpperCase(),
      email_verified: true,
      name: "Ada",
      groups: ["staff", "rcc-admins"],
    });
    expect(result).toMatchObject({
      outcome: "signed-in",
      user: { email, name: "Ada", organizationId: org, role: "admin" },
    });
    const user = await findUserByEmail(db(), email);
    expect(user?.id).toBe(result.outcome === "signed-in" && result.user.id);
    expect(await findMemberRole(db(), org, user!.id)).toBe("admin");
    expect(await signedInEvents(org)).toEqual([{ actor: email, data: { method: "oidc" } }]);
    // SSO users have no usable password.
    expect(await signInWithPassword({ db: db() }, { email, password: "" })).toEqual({ outcome: "refused" });
  });

  it("gives viewer without a mapped group and follows the provider's groups on every sign-in", async () => {
    const org = ssoOrg();
    const email = address("cole");
    const claims = { sub: "u2", email, groups: ["contractors"] };
    expect(await signInWithOidc({ db: db() }, settingsFor(org), claims)).toMatchObject({ user: { role: "viewer" } });
    const promoted = await signInWithOidc({ db: db() }, settingsFor(org), { ...claims, groups: "rcc-operators" });
    expect(promoted).toMatchObject({
      user: { role: "operator", permissions: expect.arrayContaining(["remediation:approve"]) },
    });
    const user = await findUserByEmail(db(), email);
    expect(await findMemberRole(db(), org, user!.id)).toBe("operator");
    expect(await signedInEvents(org)).toHaveLength(2);
  });

  it("links an existing account by email (case-insensitively) and keeps its password and other memberships", async () => {
    const home = await createOrganization("sso-home");
    const existing = await createUser(home, { email: `Sam-${home.slice(-8)}@IdP.test`, role: "admin" });
    const org = ssoOrg();
    const result = await signInWithOidc({ db: db() }, settingsFor(org), {
      sub: "u3",
      email: existing.email.toLowerCase(),
    });
    expect(result).toMatchObject({
      outcome: "signed-in",
      user: { id: existing.id, organizationId: org, role: "viewer" },
    });
    expect(await findMemberRole(db(), home, existing.id)).toBe("admin");
    const account = await findUserByEmail(db(), existing.email);
    expect(await verifyPassword(existing.password, account!.passwordHash)).toBe(true);
  });

  it("refuses claims without an email, or with an email the provider has not verified, creating nothing", async () => {
    const org = ssoOrg();
    const email = address("eve");
    expect(await signInWithOidc({ db: db() }, settingsFor(org), { sub: "u4", groups: ["rcc-admins"] })).toEqual({
      outcome: "refused",
      reason: "no-email",
    });
    expect(await signInWithOidc({ db: db() }, settingsFor(org), { sub: "u4", email, email_verified: false })).toEqual({
      outcome: "refused",
      reason: "email-not-verified",
    });
    expect(await findUserByEmail(db(), email)).toBeUndefined();
    expect(await signedInEvents(org)).toEqual([]);
  });

  it("first sign-ins of one address at once end with one account", async () => {
    const org = ssoOrg();
    const email = address("twin");
    const results = await Promise.all(
      [1, 2, 3].map(() => signInWithOidc({ db: db() }, settingsFor(org), { sub: "u5", email })),
    );
    const ids = new Set(results.map((r) => r.outcome === "signed-in" && r.user.id));
    expect(ids.size).toBe(1);
    const { rows } = await requirePool(db(), "test").query(`SELECT 1 FROM users WHERE lower(email) = $1`, [email]);
    expect(rows).toHaveLength(1);
  });
});
