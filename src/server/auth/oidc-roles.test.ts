import { describe, expect, it } from "vitest";
import { envFrom } from "@/server/env";
import { claimValues, roleFromClaims } from "./oidc-roles";

const SSO = {
  OIDC_ISSUER: "https://idp.example",
  OIDC_CLIENT_ID: "rcc",
  OIDC_CLIENT_SECRET: "s",
  OIDC_ORGANIZATION: "acme",
};

describe("OIDC role mapping", () => {
  const map = envFrom({ OIDC_ROLE_MAP: " rcc-admins:admin , ops:operator,urn:corp:auditors:viewer" }).OIDC_ROLE_MAP;

  it("parses group:role entries, splitting at the last colon", () => {
    expect(map).toEqual([
      { group: "rcc-admins", role: "admin" },
      { group: "ops", role: "operator" },
      { group: "urn:corp:auditors", role: "viewer" },
    ]);
  });

  it("refuses an entry without a known role", () => {
    expect(() => envFrom({ OIDC_ROLE_MAP: "ops:superuser" })).toThrow(/OIDC_ROLE_MAP/);
    expect(() => envFrom({ OIDC_ROLE_MAP: "ops" })).toThrow(/OIDC_ROLE_MAP/);
    expect(() => envFrom({ OIDC_ROLE_MAP: ":admin" })).toThrow(/OIDC_ROLE_MAP/);
  });

  it("gives the highest mapped role, viewer when no group maps", () => {
    expect(roleFromClaims({ groups: ["ops", "rcc-admins"] }, "groups", map)).toBe("admin");
    expect(roleFromClaims({ groups: ["ops", "staff"] }, "groups", map)).toBe("operator");
    expect(roleFromClaims({ groups: "ops" }, "groups", map)).toBe("operator");
    expect(roleFromClaims({ groups: ["staff"] }, "groups", map)).toBe("viewer");
    expect(roleFromClaims({}, "groups", map)).toBe("viewer");
    expect(roleFromClaims({ groups: ["OPS"] }, "groups", map)).toBe("viewer");
    expect(roleFromClaims({ groups: [{ name: "ops" }] }, "groups", map)).toBe("viewer");
  });

  it("reads a nested claim by its dotted path", () => {
    const claims = { realm_access: { roles: ["offline_access", "ops"] } };
    expect(claimValues(claims, "realm_access.roles")).toEqual(["offline_access", "ops"]);
    expect(roleFromClaims(claims, "realm_access.roles", map)).toBe("operator");
    expect(claimValues({ realm_access: ["ops"] }, "realm_access.roles")).toEqual([]);
  });
});

describe("OIDC configuration", () => {
  it("defaults the button name and claim; needs issuer, client, secret and organization together", () => {
    const env = envFrom(SSO);
    expect(env).toMatchObject({ OIDC_NAME: "SSO", OIDC_ROLE_CLAIM: "groups", OIDC_ROLE_MAP: [] });
    expect(envFrom({}).OIDC_ISSUER).toBeUndefined();
    expect(() => envFrom({ ...SSO, OIDC_CLIENT_SECRET: "" })).toThrow(/SSO needs all four/);
    expect(() => envFrom({ ...SSO, OIDC_ORGANIZATION: undefined })).toThrow(/SSO needs all four/);
    expect(() => envFrom({ ...SSO, OIDC_ISSUER: "not a url" })).toThrow(/OIDC_ISSUER/);
  });
});
