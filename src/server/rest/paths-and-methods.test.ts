import { describe, expect, it } from "vitest";
import { rest } from "@/test/calls";
import { createOrganization } from "@/test/factories";
import { answerRest } from "./handler";
import { allowedMethods } from "./match";

async function json(res: Response) {
  expect(res.headers.get("content-type")).toContain("application/json");
  return { status: res.status, allow: res.headers.get("allow"), body: await res.json() };
}

// Issue 12 item 1: `decodeURIComponent` threw in the route matcher → 500 before authentication.
describe("a malformed percent-encoding in a path id", () => {
  const PATHS: [string, string][] = [
    ["GET", "/remediation/%ZZ"],
    ["GET", "/incidents/%ZZ"],
    ["POST", "/remediation/%ZZ/approve"],
    ["POST", "/remediation/%E0%A4%A/reject"],
    ["POST", "/remediation/reporting/runs/%/retry"],
    ["GET", "/remediation/history/%ED%A0%80"],
  ];

  it("is 401 without a token, like any unknown id", async () => {
    for (const [method, path] of PATHS) {
      expect(await json(await rest(method, path)), `${method} ${path}`).toMatchObject({
        status: 401,
        body: { statusCode: 401, error: "Unauthorized" },
      });
    }
  });

  it("is 404 with one (history: []), never 500", async () => {
    const organizationId = await createOrganization();
    const as = { auth: { organizationId } };
    for (const [method, path] of PATHS.filter(([, p]) => !p.includes("/history/"))) {
      expect(await json(await rest(method, path, as)), `${method} ${path}`).toMatchObject({
        status: 404,
        body: { statusCode: 404, error: "Not Found", message: expect.stringMatching(/not found$/) },
      });
    }
    expect(await json(await rest("GET", "/remediation/history/%ED%A0%80", as))).toMatchObject({
      status: 200,
      body: [],
    });
    expect(await json(await rest("GET", "/remediation/history/a%ZZb", as))).toMatchObject({ status: 200, body: [] });
  });
});

// Issue 12 item 3: unsupported methods answered 500 text/plain (Next's mirror) or 404.
describe("a method the path does not answer", () => {
  it("is 405 JSON with Allow, before authentication (the route is checked first)", async () => {
    const cases: [string, string, string][] = [
      ["PATCH", "/remediation/policy", "GET, PUT"],
      ["DELETE", "/incidents", "GET, POST"],
      ["OPTIONS", "/remediation/actions", "GET"],
      ["HEAD", "/remediation/stats", "GET"],
      ["PUT", "/remediation/00000000-0000-0000-0000-000000000000/approve", "POST"],
      ["DELETE", "/remediation/%ZZ", "GET"],
      ["GET", "/remediation/reporting/runs/x/retry", "POST"],
    ];
    for (const [method, path, allow] of cases) {
      const res = await json(await rest(method, path));
      expect(res, `${method} ${path}`).toMatchObject({
        status: 405,
        allow,
        body: {
          statusCode: 405,
          error: "Method Not Allowed",
          message: `Method ${method} not allowed on ${path}; allowed: ${allow}`,
        },
      });
    }
  });

  it("TRACE and CONNECT too (a fetch Request cannot carry them: the adapter is called directly)", async () => {
    for (const method of ["TRACE", "CONNECT", "PROPFIND"]) {
      const reply = await answerRest({
        method,
        url: new URL("http://localhost/remediation/actions"),
        headers: new Headers(),
        readBody: async () => undefined,
      });
      expect(reply.status).toBe(405);
      expect(reply.headers.allow).toBe("GET");
      expect(JSON.parse(reply.body as string)).toMatchObject({ statusCode: 405, error: "Method Not Allowed" });
    }
  });

  it("a path outside the table stays 404 whatever the method; so does the /api/rest mirror's own address", async () => {
    expect(await json(await rest("PATCH", "/remediation/nope/nope/nope"))).toMatchObject({
      status: 404,
      allow: null,
      body: { message: "Route PATCH /remediation/nope/nope/nope not found" },
    });
    expect(await json(await rest("GET", "/api/rest/remediation/stats"))).toMatchObject({
      status: 404,
      body: { message: "Route GET /api/rest/remediation/stats not found" },
    });
  });

  it("allowedMethods lists every method of the path once, literal rows winning like the matcher", () => {
    expect(allowedMethods("/remediation/policy")).toEqual(["GET", "PUT"]);
    expect(allowedMethods("/remediation/reporting/runs")).toEqual(["GET", "POST"]);
    expect(allowedMethods("/remediation/x/approve")).toEqual(["POST"]);
    expect(allowedMethods("/remediation/x")).toEqual(["GET"]);
    expect(allowedMethods("/remediation")).toEqual([]);
    expect(allowedMethods("/api/rest/incidents")).toEqual([]);
  });
});
