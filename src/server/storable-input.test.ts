// Strings PostgreSQL cannot hold (NUL, unpaired surrogates; docs/behaviour.md#storable-text) are
// refused by validation, field by field, through the real REST adapter: 400 with the issue's
// path (401 for a token claim), never a 500 from the database, and nothing written.
import { randomBytes } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, UNSTORABLE_TEXT_MESSAGE } from "@/lib/schemas";
import { databaseDigest } from "@/server/db/simulate";
import { callerFor, type RestOptions, rest } from "@/test/calls";
import { createAction, createIncident, createOrganization, requestBody } from "@/test/factories";

const NUL = "a\u0000b";
const HIGH = "a\uD800b";
const LOW = "\uDC00b";

type Body = Record<string, unknown>;

/** `body` with `value` at `path` (a deep copy; the last segment may be a new key). */
function withValue(body: Body, path: (string | number)[], value: unknown): Body {
  const copy = structuredClone(body);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

async function errorOf(res: Response) {
  const body = await res.json();
  return { status: res.status, body };
}

/**
 * The request is refused with 400 and an issue at `path` (the storable message unless given),
 * and not one row of any table changed.
 */
async function expectRefused(send: () => Promise<Response>, path: string, message: string = UNSTORABLE_TEXT_MESSAGE) {
  const before = await databaseDigest();
  const { status, body } = await errorOf(await send());
  expect({ status, body }).toMatchObject({
    status: 400,
    body: { statusCode: 400, error: "Bad Request", message: "Validation failed" },
  });
  expect(body.issues).toContainEqual({ path, message });
  expect(await databaseDigest()).toEqual(before);
}

async function org() {
  const id = await createOrganization("storable");
  return { id, auth: { organizationId: id }, incidentId: await createIncident(id) };
}

const INCIDENT: Body = {
  title: "API latency",
  serviceName: "api-gateway",
  environment: "production",
  severity: "HIGH",
  summary: "p99 above 2 s",
  externalId: "pd-1001",
  suggestions: [
    {
      title: "Restart the gateway",
      description: "Clears the stuck pool",
      actionType: "restart-service",
      parameters: { service: "api-gateway", hints: [{ note: "ok" }] },
      confidence: 0.8,
    },
  ],
};

describe("POST /incidents", () => {
  it("accepts the base body (the cases below change one field)", async () => {
    const { auth } = await org();
    expect((await rest("POST", "/incidents", { auth, body: INCIDENT })).status).toBe(201);
  });

  it.each([
    [["title"], NUL],
    [["title"], HIGH],
    [["serviceName"], NUL],
    [["serviceName"], LOW],
    [["summary"], NUL],
    [["externalId"], NUL],
    [["suggestions", 0, "title"], NUL],
    [["suggestions", 0, "description"], NUL],
    [["suggestions", 0, "actionType"], NUL],
    [["suggestions", 0, "parameters", "service"], NUL],
    [["suggestions", 0, "parameters", "service"], HIGH],
    [["suggestions", 0, "parameters", "hints", 0, "note"], NUL],
    [["suggestions", 0, "parameters", "hints", 0, "note"], LOW],
    [["suggestions", 0, "parameters", NUL], "a key with NUL"],
    [["suggestions", 0, "parameters", HIGH], "a key with a lone surrogate"],
  ])("%j = %j → 400 at that path, nothing stored", async (path, value) => {
    const { auth } = await org();
    await expectRefused(
      () => rest("POST", "/incidents", { auth, body: withValue(INCIDENT, path, value) }),
      path.join("."),
    );
  });

  it("an update by externalId is refused the same way and leaves the incident as it was", async () => {
    const { auth } = await org();
    expect((await rest("POST", "/incidents", { auth, body: INCIDENT })).status).toBe(201);
    await expectRefused(
      () => rest("POST", "/incidents", { auth, body: withValue(INCIDENT, ["summary"], NUL) }),
      "summary",
    );
  });

  it(`suggestion parameters nested deeper than ${MAX_JSON_DEPTH} levels → 400 (20,000 levels included)`, async () => {
    const { auth } = await org();
    // Written by hand: JSON.stringify itself overflows the stack long before 20,000 levels.
    const marker = "__deep__";
    const text = JSON.stringify(withValue(INCIDENT, ["suggestions", 0, "parameters", "x"], marker)).replace(
      JSON.stringify(marker),
      `${"[".repeat(20_000)}"leaf"${"]".repeat(20_000)}`,
    );
    const headers = { "content-type": "application/json" };
    await expectRefused(
      () => rest("POST", "/incidents", { auth, headers, rawBody: text }),
      ["suggestions", 0, "parameters", "x", ...Array(MAX_JSON_DEPTH - 1).fill(0)].join("."),
      `must not nest more than ${MAX_JSON_DEPTH} levels deep`,
    );
  });

  it("through tRPC (the UI's transport, superjson): a value JSON cannot hold is a 400, not a 500", async () => {
    const { id } = await org();
    const suggestions = [{ title: "t", actionType: "restart-service", parameters: { replicas: 1n } }];
    const input = { ...INCIDENT, suggestions } as never;
    const error = await callerFor(id)
      .incidents.create(input)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("BAD_REQUEST");
  });
});

const ACTION_PARAMETERS: [actionType: string, parameters: Body, path: (string | number)[], value: unknown][] = [
  ["restart-service", { service: "api" }, ["service"], NUL],
  ["restart-service", { service: "api" }, ["service"], HIGH],
  ["restart-service", { service: "api" }, ["simulate"], NUL],
  ["restart-service", { service: "api" }, [NUL], "an unknown key with NUL"],
  ["rollback-deployment", { service: "api" }, ["toRevision"], NUL],
  ["clear-cache", { service: "api" }, ["cacheKey"], LOW],
  ["toggle-feature-flag", { flag: "f", enabled: true }, ["flag"], NUL],
  ["run-runbook", { runbook: "drain", args: { n: 1 } }, ["runbook"], NUL],
  ["run-runbook", { runbook: "drain", args: { n: 1 } }, ["args", "note"], NUL],
  ["run-runbook", { runbook: "drain", args: { n: 1 } }, ["args", "note"], HIGH],
  ["run-runbook", { runbook: "drain", args: { n: 1 } }, ["args", NUL], "a key with NUL"],
  ["run-runbook", { runbook: "drain", args: { n: 1 } }, ["args", LOW], "a key with a lone surrogate"],
];

describe.each([
  ["POST /remediation/request", "/remediation/request"],
  ["POST /remediation/policy/evaluate", "/remediation/policy/evaluate"],
])("%s", (_label, endpoint) => {
  it.each(ACTION_PARAMETERS)(
    "%s %j with %j = %j → 400 at parameters.<that path>",
    async (actionType, parameters, path, value) => {
      const { auth, incidentId } = await org();
      const body = requestBody(incidentId, { actionType, parameters: withValue(parameters, path, value) });
      await expectRefused(() => rest("POST", endpoint, { auth, body }), ["parameters", ...path].join("."));
    },
  );

  it.each([NUL, HIGH])("serviceName %j → 400 at serviceName", async (serviceName) => {
    const { auth, incidentId } = await org();
    await expectRefused(
      () => rest("POST", endpoint, { auth, body: requestBody(incidentId, { serviceName }) }),
      "serviceName",
    );
  });
});

describe("approve and reject reasons", () => {
  it.each([
    ["approve", NUL],
    ["approve", HIGH],
    ["reject", NUL],
    ["reject", LOW],
  ])("%s with reason %j → 400 at reason; the action stays pending", async (decision, reason) => {
    const { id, auth } = await org();
    const actionId = await createAction(id, { status: "PENDING_APPROVAL" });
    await expectRefused(
      () => rest("POST", `/remediation/${actionId}/${decision}`, { auth, body: { reason } }),
      "reason",
    );
    expect((await (await rest("GET", `/remediation/${actionId}`, { auth })).json()).status).toBe("PENDING_APPROVAL");
  });
});

describe("policy and reporting settings", () => {
  const window = (reason: string) => ({
    start: "2026-01-01T00:00:00Z",
    end: "2026-01-02T00:00:00Z",
    environments: ["production"],
    reason,
  });

  it.each([NUL, HIGH])("a freeze-window reason %j → 400 at freezeWindows.1.reason", async (reason) => {
    const { auth } = await org();
    const body = { freezeWindows: [window("release"), window(reason)] };
    await expectRefused(() => rest("PUT", "/remediation/policy", { auth, body }), "freezeWindows.1.reason");
  });

  it.each(["ops\u0000@example.com", "ops@example.com\u0000", "ops\uD800@example.com"])(
    "report recipient %j → 400 at reportRecipients.1",
    async (recipient) => {
      const { auth } = await org();
      const body = { reportRecipients: ["sre@example.com", recipient], scheduledReportEnabled: true };
      await expectRefused(() => rest("PUT", "/remediation/reporting/settings", { auth, body }), "reportRecipients.1");
    },
  );
});

describe("query-string filters", () => {
  it.each([
    ["/remediation/actions?environment=a%00b", "environment"],
    ["/remediation/actions?status=%00", "status"],
    ["/remediation/actions?incidentId=%00", "incidentId"],
    ["/remediation/stats?environment=%ED%A0%80", "environment"],
    ["/remediation/priority-signal?environment=%00", "environment"],
    ["/remediation/export/csv?environment=%00", "environment"],
    ["/incidents?environment=%00", "environment"],
    ["/incidents?status=%00", "status"],
    ["/remediation/reporting/runs?status=%00", "status"],
    ["/remediation/reporting/runs?from=%00", "from"],
  ])("GET %s → 400 at %s", async (path, field) => {
    const { auth } = await org();
    const { status, body } = await errorOf(await rest("GET", path, { auth }));
    expect(status).toBe(400);
    expect(body.issues.map((i: { path: string }) => i.path)).toContain(field);
  });

  it.each([
    ["GET", "/remediation/a%00b", 404],
    ["POST", "/remediation/a%00b/approve", 404],
    ["GET", "/incidents/%00", 404],
    ["POST", "/remediation/reporting/runs/%00/retry", 404],
  ])("a NUL in a path id is like any malformed id: %s %s → %i", async (method, path, expected) => {
    const { auth } = await org();
    expect((await rest(method, path, { auth, body: method === "POST" ? {} : undefined })).status).toBe(expected);
  });

  it("GET /remediation/history/<NUL> → []", async () => {
    const { auth } = await org();
    const res = await rest("GET", "/remediation/history/%00", { auth });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: [] });
  });
});

describe("bearer token claims", () => {
  const long = `org-${"x".repeat(197)}`;
  // Random, so PostgreSQL cannot compress it into an index entry: a 500 before the limit.
  const huge = randomBytes(3000).toString("base64").slice(0, 3000);

  it.each([
    ["organizationId with NUL", "organizationId", { organizationId: `org-${NUL}` }],
    ["organizationId with a lone high surrogate", "organizationId", { organizationId: `org-${HIGH}` }],
    ["organizationId with a lone low surrogate", "organizationId", { organizationId: `org-${LOW}` }],
    ["organizationId of 201 characters", "organizationId", { organizationId: long }],
    ["organizationId of 3,000 random characters", "organizationId", { organizationId: huge }],
    ["sub with NUL", "sub", { organizationId: "org-storable-sub", sub: `user-${NUL}` }],
    ["sub with a lone surrogate", "sub", { organizationId: "org-storable-sub", sub: `user-${HIGH}` }],
  ] as [string, string, NonNullable<Exclude<RestOptions["auth"], string | null>>][])(
    "%s is not a credential: 401 on reads and writes, no organization provisioned",
    async (_label, claim, auth) => {
      const before = await databaseDigest();
      for (const [method, path, body] of [
        ["GET", "/remediation/actions", undefined],
        ["GET", "/incidents", undefined],
        ["POST", "/incidents", INCIDENT],
        ["PUT", "/remediation/policy", { blockedEnvironments: ["production"] }],
      ] as const) {
        const { status, body: error } = await errorOf(await rest(method, path, { auth, body }));
        expect({ status, error }, `${method} ${path}`).toEqual({
          status: 401,
          error: { statusCode: 401, error: "Unauthorized", message: `Invalid token claims: ${claim}` },
        });
      }
      expect(await databaseDigest()).toEqual(before);
    },
  );

  it("an organizationId of 200 characters is still one", async () => {
    const res = await rest("GET", "/remediation/actions", { auth: { organizationId: long.slice(0, 200) } });
    expect(res.status).toBe(200);
  });
});
