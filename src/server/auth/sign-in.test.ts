import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import type { RoleName } from "@/lib/permissions";
import { addMembership, createOrganization, createUser } from "@/test/factories";
import { getAuthOptions } from "./next-auth";
import { resolvePrincipal } from "./resolve-principal";
import { authSecret } from "./secret";
import { nowSeconds } from "./session-token";

type Authorize = (credentials: Record<"email" | "password", string>) => Promise<Record<string, unknown> | null>;

function credentialsAuthorize(): Authorize {
  const [provider] = getAuthOptions().providers as unknown as { options: { authorize: Authorize } }[];
  return provider!.options.authorize;
}

/** An account that signs in with pw-123456: a member of `organizationId` with `role`, or of none. */
async function user(email: string, organizationId: string | null, role: RoleName = "operator") {
  return (await createUser(organizationId, { email, name: "Sam Signin", password: "pw-123456", role })).id;
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
    const first = await createOrganization("signin-first");
    const second = await createOrganization("signin-second");
    const suffix = first.slice(-8);
    const userId = await user(`Sam-${suffix}@X.test`, first, "operator");
    await addMembership(second, userId, "admin");

    const authorize = credentialsAuthorize();
    const signedIn = await authorize({ email: `  sam-${suffix}@x.TEST `, password: "pw-123456" });
    expect(signedIn).toMatchObject({ id: userId, organizationId: first, role: "operator" });
    expect(signedIn?.permissions).toContain("remediation:request");
    expect(await authorize({ email: `sam-${suffix}@x.test`, password: "wrong" })).toBeNull();
    expect(await authorize({ email: `nobody-${suffix}@x.test`, password: "pw-123456" })).toBeNull();
  });

  it("refuses an account without a membership", async () => {
    const suffix = (await createOrganization("signin-none")).slice(-8);
    await user(`lonely-${suffix}@x.test`, null);
    expect(await credentialsAuthorize()({ email: `lonely-${suffix}@x.test`, password: "pw-123456" })).toBeNull();
  });
});

describe("session principal", () => {
  it("takes the current role from the membership on every request; no membership is anonymous", async () => {
    const org = await createOrganization("session-role");
    const other = await createOrganization("session-role-other");
    const userId = await user(`role-${org.slice(-8)}@x.test`, org, "viewer");
    const claims = { userId, organizationId: org, role: "admin" as const, permissions: ["policy:update"] };

    const principal = await resolvePrincipal({ headers: await sessionHeaders(claims) });
    expect(principal).toMatchObject({ userId, organizationId: org, role: "viewer", via: "session" });
    expect(principal?.permissions).not.toContain("policy:update");
    expect(await resolvePrincipal({ headers: await sessionHeaders({ ...claims, organizationId: other }) })).toBeNull();
    expect(await resolvePrincipal({ headers: await sessionHeaders({ ...claims, userId: "not-a-uuid" }) })).toBeNull();
  });
});
