import { describe, expect, it } from "vitest";
import { AppError } from "@/server/errors";
import { rest } from "@/test/calls";
import { expectErrorLog } from "@/test/error-logs";
import { createOrganization, tokenFor as signedToken } from "@/test/factories";
import { errorResponse } from "./handler";

const ALL = ["remediation:view", "incident:write"];

/** A JSON call through the kit's REST helper; every answer of the adapter is JSON here. */
async function call(
  method: string,
  path: string,
  opts: { token?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown> & { message?: string } }> {
  const res = await rest(method, path, {
    auth: opts.token ? `Bearer ${opts.token}` : null,
    rawBody: opts.body,
    headers: { "content-type": "application/json", ...opts.headers },
  });
  expect(res.headers.get("content-type")).toContain("application/json");
  return { status: res.status, body: await res.json() };
}

const tokenFor = (organizationId: string, permissions = ALL) => signedToken(organizationId, { permissions });

const incidentBody = JSON.stringify({ title: "t", serviceName: "api", environment: "production", severity: "HIGH" });

describe("REST adapter", () => {
  it("answers unknown routes with 404 JSON", async () => {
    const res = await call("GET", "/remediation/nope/nope/nope", { token: await tokenFor("org_x") });
    expect(res).toMatchObject({ status: 404, body: { statusCode: 404, error: "Not Found" } });
    expect((await call("DELETE", "/incidents/x/y")).status).toBe(404);
    // A path of the table with a method it does not answer is a 405 (paths-and-methods.test.ts).
    expect((await call("DELETE", "/incidents")).status).toBe(405);
  });

  it("requires a valid bearer token (401 JSON) before anything else", async () => {
    const missing = await call("POST", "/incidents", { body: "x".repeat(70_000) });
    expect(missing).toMatchObject({ status: 401, body: { statusCode: 401, error: "Unauthorized" } });
    const garbage = await call("GET", "/incidents", { token: "abc.def.ghi" });
    expect(garbage.status).toBe(401);
    const expired = await signedToken("o", { sub: "u", permissions: ALL, ttlSeconds: -120 });
    expect((await call("GET", "/incidents", { token: expired })).status).toBe(401);
  });

  it("names the missing permission with 403, before reading the body", async () => {
    const token = await tokenFor(await createOrganization(), ["remediation:view"]);
    const res = await call("POST", "/incidents", { token, body: "x".repeat(70_000) });
    expect(res).toMatchObject({
      status: 403,
      body: { error: "Forbidden", message: "Missing permission: incident:write" },
    });
  });

  it("refuses bodies over 64 KiB with 413, then malformed JSON with 400", async () => {
    const token = await tokenFor(await createOrganization());
    const big = JSON.stringify({ title: "x".repeat(66 * 1024), serviceName: "a", environment: "dev", severity: "LOW" });
    expect(await call("POST", "/incidents", { token, body: big })).toMatchObject({
      status: 413,
      body: { statusCode: 413, error: "Payload Too Large" },
    });
    expect(await call("POST", "/incidents", { token, body: "{not json" })).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: "Bad Request", message: "Malformed JSON body" },
    });
  });

  it("reports validation problems as issues with dotted paths, and unknown keys", async () => {
    const token = await tokenFor(await createOrganization());
    const res = await call("POST", "/incidents", {
      token,
      body: JSON.stringify({
        title: "t",
        serviceName: "s",
        environment: "Prod!",
        severity: "HUGE",
        extra: 1,
        suggestions: [{ title: "" }],
      }),
    });
    expect(res.status).toBe(400);
    const paths = (res.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining(["environment", "severity", "suggestions.0.title", "suggestions.0.actionType", ""]),
    );
    const limit = await call("GET", "/incidents?limit=abc", { token });
    expect(limit.status).toBe(400);
    expect((await call("GET", "/incidents?limit=0", { token })).status).toBe(400);
    expect((await call("GET", "/incidents?limit=501", { token })).status).toBe(400);
  });

  it("provisions the organization of a valid token and keeps ids private to it", async () => {
    const org = `org_new_${Date.now()}`;
    const token = await tokenFor(org);
    const created = await call("POST", "/incidents", { token, body: incidentBody });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call("GET", `/incidents/${id}`, { token })).status).toBe(200);

    const other = await tokenFor(await createOrganization());
    expect((await call("GET", `/incidents/${id}`, { token: other })).status).toBe(404);
    expect((await call("GET", "/incidents/not-a-uuid", { token: other })).status).toBe(404);
    expect((await call("GET", "/incidents", { token: other })).body).toEqual([]);
  });

  it("upserts incidents by externalId: 201 then 200, one incident", async () => {
    const token = await tokenFor(await createOrganization());
    const body = (title: string) =>
      JSON.stringify({
        title,
        serviceName: "api",
        environment: "production",
        severity: "HIGH",
        externalId: "INC-7",
        suggestions: [{ title: "restart", actionType: "restart-service", parameters: { service: "api" } }],
      });
    const first = await call("POST", "/incidents", { token, body: body("first") });
    const second = await call("POST", "/incidents", { token, body: body("second") });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body).toMatchObject({ id: first.body.id, title: "second" });
    expect((second.body.suggestions as unknown[]).length).toBe(1);
    const list = await call("GET", "/incidents", { token });
    expect((list.body as unknown as unknown[]).length).toBe(1);
  });

  it("hides internals of unexpected errors behind a generic 500", async () => {
    expectErrorLog(/REST request failed/);
    const res = errorResponse(new Error("connection to 10.0.0.3 refused: password=hunter2"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      statusCode: 500,
      error: "Internal Server Error",
      message: "Internal server error",
    });
    const known = errorResponse(new AppError("CONFLICT", "Idempotency-Key reused with a different body"));
    expect(await known.json()).toEqual({
      statusCode: 409,
      error: "Conflict",
      message: "Idempotency-Key reused with a different body",
    });
  });
});
