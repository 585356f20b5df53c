import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import type { RoleName } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { insertMembership } from "@/server/db/stores/memberships";
import { insertUser } from "@/server/db/stores/users";
import { createTestOrganization } from "@/test/db";
import { getAuthOptions } from "./next-auth";
import { hashPassword } from "./password";
import { resolvePrincipal } from "./resolve-principal";
import { authSecret } from "./secret";
import { nowSeconds } from "./session-token";

type Authorize = (credentials: Record<"email" | "password", string>) => Promise<Record<string, unknown> | null>;

function credentialsAuthorize(): Authorize {
  const [provider] = getAuthOptions().providers as unknown as { options: { authorize: Authorize } }[];
  return provider!.options.authorize;
}

async function user(email: string, memberships: { organizationId: string; role: RoleName }[]) {
  const userId = await insertUser(db(), { email, name: "Sam Signin", passwordHash: await hashPassword("pw-123456") });
  for (const m of memberships) await insertMembership(db(), m.organizationId, { userId, role: m.role });
  return userId;
}

async function sessionHeaders(claims: {
  userId: string;
  organizationId: string;
  role: RoleName;
  permissions: string[];
}) {
  const token = await encode({ token: { ...claims, signedInAt: nowSeconds() }, secret: authSecret() });
  return new Headers({ cookie: `next-auth.session-token=${token}` });
}

describe("sign-in", () => {
  it("finds the account case-insensitively and signs in to its first organization with that role", async () => {
    const first = await createTestOrganization("signin-first");
    const second = await createTestOrganization("signin-second");
    const suffix = first.slice(-8);
    const userId = await user(`Sam-${suffix}@X.test`, [{ organizationId: first, role: "operator" }]);
    await insertMembership(db(), second, { userId, role: "admin" });

    const authorize = credentialsAuthorize();
    const signedIn = await authorize({ email: `  sam-${suffix}@x.TEST `, password: "pw-123456" });
    expect(signedIn).toMatchObject({ id: userId, organizationId: first, role: "operator" });
    expect(signedIn?.permissions).toContain("remediation:request");
    expect(await authorize({ email: `sam-${suffix}@x.test`, password: "wrong" })).toBeNull();
    expect(await authorize({ email: `nobody-${suffix}@x.test`, password: "pw-123456" })).toBeNull();
  });

  it("refuses an account without a membership", async () => {
    const suffix = (await createTestOrganization("signin-none")).slice(-8);
    await user(`lonely-${suffix}@x.test`, []);
    expect(await credentialsAuthorize()({ email: `lonely-${suffix}@x.test`, password: "pw-123456" })).toBeNull();
  });
});

describe("session principal", () => {
  it("takes the current role from the membership on every request; no membership is anonymous", async () => {
    const org = await createTestOrganization("session-role");
    const other = await createTestOrganization("session-role-other");
    const userId = await user(`role-${org.slice(-8)}@x.test`, [{ organizationId: org, role: "viewer" }]);
    const claims = { userId, organizationId: org, role: "admin" as const, permissions: ["policy:update"] };

    const principal = await resolvePrincipal({ headers: await sessionHeaders(claims) });
    expect(principal).toMatchObject({ userId, organizationId: org, role: "viewer", via: "session" });
    expect(principal?.permissions).not.toContain("policy:update");
    expect(await resolvePrincipal({ headers: await sessionHeaders({ ...claims, organizationId: other }) })).toBeNull();
    expect(await resolvePrincipal({ headers: await sessionHeaders({ ...claims, userId: "not-a-uuid" }) })).toBeNull();
  });
});
