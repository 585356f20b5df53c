import { expect, test } from "@playwright/test";
import { SignJWT } from "jose";
import { E2E_AUTH_SECRET } from "../fixtures/env";

async function token(claims: Record<string, unknown>, ttl = 300): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttl)
    .sign(new TextEncoder().encode(E2E_AUTH_SECRET));
}

test("GET /health is public and reports the database", async ({ request }) => {
  const res = await request.get("/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: "ok" });
});

test("GET /openapi.json documents the REST paths", async ({ request }) => {
  const res = await request.get("/openapi.json");
  expect(res.status()).toBe(200);
  const doc = await res.json();
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/incidents", "/incidents/{id}"]));
});

test("REST calls without or with a bad token get 401 JSON", async ({ request }) => {
  const anonymous = await request.get("/incidents", { headers: { accept: "application/json" } });
  expect(anonymous.status()).toBe(401);
  expect(await anonymous.json()).toMatchObject({ statusCode: 401, error: "Unauthorized" });
  const bad = await request.get("/remediation/stats", { headers: { authorization: "Bearer not.a.token" } });
  expect(bad.status()).toBe(401);
});

test("a valid token reads incidents, provisions its organization, and is scoped to it", async ({ request }) => {
  const org = `org_e2e_${Date.now()}`;
  const writer = await token({ sub: "e2e", organizationId: org, permissions: ["remediation:view", "incident:write"] });
  const created = await request.post("/incidents", {
    headers: { authorization: `Bearer ${writer}` },
    data: { title: "disk full", serviceName: "db", environment: "staging", severity: "LOW" },
  });
  expect(created.status()).toBe(201);
  const incident = await created.json();
  const list = await request.get("/incidents", { headers: { authorization: `Bearer ${writer}` } });
  expect((await list.json()).map((i: { id: string }) => i.id)).toEqual([incident.id]);

  const other = await token({ sub: "e2e", organizationId: `${org}_other`, permissions: ["remediation:view"] });
  const foreign = await request.get(`/incidents/${incident.id}`, { headers: { authorization: `Bearer ${other}` } });
  expect(foreign.status()).toBe(404);
  const forbidden = await request.post("/incidents", {
    headers: { authorization: `Bearer ${other}` },
    data: { title: "x", serviceName: "y", environment: "dev", severity: "LOW" },
  });
  expect(forbidden.status()).toBe(403);
  expect((await forbidden.json()).message).toContain("incident:write");
});

test("the /incidents page still renders for browsers", async ({ request }) => {
  const res = await request.get("/incidents", { headers: { accept: "text/html" }, maxRedirects: 0 });
  expect(res.headers()["content-type"] ?? "").not.toContain("application/json");
});
