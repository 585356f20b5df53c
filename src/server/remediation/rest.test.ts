import { describe, expect, it } from "vitest";
import type { Permission } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { rest } from "@/test/calls";
import { jobCount } from "@/test/execution-fixtures";
import {
  ALL_PERMISSIONS,
  approverId,
  bearer,
  createActions,
  createIncident,
  createOrganization,
  requestBody,
} from "@/test/factories";

async function org() {
  const id = await createOrganization("rest");
  // Separation of duties: requests are made as `user-1` (auth), approvals as someone else.
  return {
    id,
    auth: await bearer(id),
    approver: await bearer(id, { sub: approverId(1) }),
    incidentId: await createIncident(id),
  };
}

const ANY_ID = "a0000000-0000-4000-8000-000000000001";

const ENDPOINTS: [method: string, path: string, permission: Permission][] = [
  ["GET", "/remediation/actions", "remediation:view"],
  ["GET", "/remediation/stats", "remediation:view"],
  ["GET", "/remediation/priority-signal", "remediation:view"],
  ["GET", `/remediation/history/${ANY_ID}`, "remediation:view"],
  ["GET", `/remediation/${ANY_ID}`, "remediation:view"],
  ["GET", "/remediation/export/csv", "remediation:view"],
  ["GET", "/remediation/policy", "remediation:view"],
  ["POST", "/remediation/policy/evaluate", "remediation:view"],
  ["PUT", "/remediation/policy", "policy:update"],
  ["POST", "/remediation/request", "remediation:request"],
  ["POST", `/remediation/${ANY_ID}/approve`, "remediation:approve"],
  ["POST", `/remediation/${ANY_ID}/reject`, "remediation:reject"],
  ["GET", "/incidents", "remediation:view"],
  ["GET", `/incidents/${ANY_ID}`, "remediation:view"],
  ["POST", "/incidents", "incident:write"],
];

describe("authentication and permissions", () => {
  it.each(ENDPOINTS)("%s %s: 401 without a token, 403 naming %s without it", async (method, path, permission) => {
    const organizationId = await createOrganization("perm");
    const noAuth = await rest(method, path, { body: method === "GET" ? undefined : {} });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ statusCode: 401, error: "Unauthorized" });
    const lacking = await bearer(organizationId, { permissions: ALL_PERMISSIONS.filter((p) => p !== permission) });
    const forbidden = await rest(method, path, { auth: lacking, body: method === "GET" ? undefined : {} });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toEqual({
      statusCode: 403,
      error: "Forbidden",
      message: `Missing permission: ${permission}`,
    });
  });
});

describe("route table", () => {
  it("literal paths are never taken for /remediation/:id", async () => {
    const { auth } = await org();
    for (const path of [
      "/remediation/actions",
      "/remediation/stats",
      "/remediation/priority-signal",
      "/remediation/policy",
    ]) {
      const res = await rest("GET", path, { auth });
      expect(res.status, path).toBe(200);
    }
    expect((await rest("GET", "/remediation/export/csv", { auth })).headers.get("content-type")).toBe(
      "text/csv; charset=utf-8",
    );
    expect((await rest("GET", "/remediation/not-a-route", { auth })).status).toBe(404);
  });
});

describe("POST /remediation/request", () => {
  it("201 with the action row; Idempotency-Key replay → 201 + Idempotent-Replayed, different body → 409", async () => {
    const { id, auth, incidentId } = await org();
    const headers = { "Idempotency-Key": "rest-key-1" };
    const first = await rest("POST", "/remediation/request", { auth, headers, body: requestBody(incidentId) });
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const row = await first.json();
    expect(row).toMatchObject({
      organizationId: id,
      incidentId,
      status: "QUEUED",
      serviceName: "api-gateway",
      error: null,
    });
    expect(row.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    const replay = await rest("POST", "/remediation/request", { auth, headers, body: requestBody(incidentId) });
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((await replay.json()).id).toBe(row.id);

    const conflict = await rest("POST", "/remediation/request", {
      auth,
      headers,
      body: requestBody(incidentId, { severity: "LOW" }),
    });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ statusCode: 409, error: "Conflict" });
    expect(await db().remediationAction.count({ where: { organizationId: id } })).toBe(1);
    expect(await jobCount(row.id)).toBe(1);
  });

  it("400 with issue paths; 404 for an unknown incident; 422 with violations for a denied type", async () => {
    const { auth, incidentId } = await org();
    const invalid = await rest("POST", "/remediation/request", {
      auth,
      body: requestBody(incidentId, { actionType: "scale-service", parameters: { service: "api", replicas: 5000 } }),
    });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).issues).toEqual([
      { path: "parameters.replicas", message: "replicas must be between 0 and 1000" },
    ]);

    const unknownType = await rest("POST", "/remediation/request", {
      auth,
      body: requestBody(incidentId, { actionType: "reboot" }),
    });
    expect(unknownType.status).toBe(400);
    expect((await unknownType.json()).issues[0].path).toBe("actionType");

    const extraKey = await rest("POST", "/remediation/request", {
      auth,
      body: requestBody(incidentId, { surprise: 1 }),
    });
    expect(extraKey.status).toBe(400);
    const badId = await rest("POST", "/remediation/request", { auth, body: requestBody("nope") });
    expect((await badId.json()).issues).toEqual([{ path: "incidentId", message: "incidentId must be a UUID" }]);

    expect((await rest("POST", "/remediation/request", { auth, body: requestBody(ANY_ID) })).status).toBe(404);

    await rest("PUT", "/remediation/policy", { auth, body: { deniedActionTypes: ["run-runbook"] } });
    const denied = await rest("POST", "/remediation/request", {
      auth,
      body: requestBody(incidentId, {
        actionType: "run-runbook",
        parameters: { runbook: "drain", args: { force: true } },
      }),
    });
    expect(denied.status).toBe(422);
    expect(await denied.json()).toEqual({
      statusCode: 422,
      error: "Unprocessable Entity",
      message:
        "Action type run-runbook is denied by policy. Policy match: organization deniedActionTypes includes run-runbook.",
      violations: ["Action type run-runbook is denied by policy."],
    });
  });
});

describe("approve / reject over REST", () => {
  it("approve with no body → 200 { status: QUEUED }; again → current status; reject then → 400 exact message", async () => {
    const { auth, approver, incidentId } = await org();
    const created = await (
      await rest("POST", "/remediation/request", { auth, body: requestBody(incidentId, { environment: "production" }) })
    ).json();
    expect(created.status).toBe("PENDING_APPROVAL");
    const approved = await rest("POST", `/remediation/${created.id}/approve`, { auth: approver });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toEqual({ status: "QUEUED", approvals: 1, requiredApprovals: 1 });
    expect(
      await (await rest("POST", `/remediation/${created.id}/approve`, { auth: approver, body: {} })).json(),
    ).toEqual({
      status: "QUEUED",
    });
    const reject = await rest("POST", `/remediation/${created.id}/reject`, { auth, body: { reason: "late" } });
    expect(reject.status).toBe(400);
    expect(await reject.json()).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: 'Cannot reject action in "QUEUED" status — only PENDING_APPROVAL actions can be rejected.',
    });
  });

  it("POLICY_VIOLATION is a 200; reject → 200 { status: REJECTED }; 404 for malformed ids; reason over 1000 chars → 400", async () => {
    const { auth, approver, incidentId } = await org();
    await rest("PUT", "/remediation/policy", { auth, body: { blockedEnvironments: ["staging"] } });
    const created = await (await rest("POST", "/remediation/request", { auth, body: requestBody(incidentId) })).json();
    const blocked = await rest("POST", `/remediation/${created.id}/approve`, { auth: approver, body: { reason: "" } });
    expect(blocked.status).toBe(200);
    expect(await blocked.json()).toEqual({
      status: "POLICY_VIOLATION",
      violations: ["Environment staging is blocked from automated remediation."],
      detail:
        "Environment staging is blocked from automated remediation. Policy match: organization blockedEnvironments includes staging.",
    });
    expect(
      (await rest("POST", `/remediation/${created.id}/reject`, { auth, body: { reason: "x".repeat(1001) } })).status,
    ).toBe(400);
    const rejected = await rest("POST", `/remediation/${created.id}/reject`, { auth, body: { reason: "no" } });
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toEqual({ status: "REJECTED" });
    expect((await rest("POST", "/remediation/zzz/approve", { auth })).status).toBe(404);
    expect((await rest("POST", "/remediation/zzz/reject", { auth })).status).toBe(404);
  });
});

describe("reads over REST", () => {
  it("actions: query bounds and filters", async () => {
    const { id, auth, incidentId } = await org();
    await createActions(id, { count: 3, status: "FAILED", environment: "staging", incidentId });
    for (const query of ["limit=0", "limit=501", "limit=abc", "status=DONE", "incidentId=nope", "environment=Prod"]) {
      const res = await rest("GET", `/remediation/actions?${query}`, { auth });
      expect(res.status, query).toBe(400);
      expect((await res.json()).issues.length).toBeGreaterThan(0);
    }
    const empty = await rest("GET", "/remediation/actions?status=&environment=&incidentId=&limit=", { auth });
    expect(empty.status).toBe(200);
    expect(await empty.json()).toHaveLength(3);
    const filtered = await (
      await rest("GET", `/remediation/actions?status=FAILED&environment=staging&incidentId=${incidentId}&limit=2`, {
        auth,
      })
    ).json();
    expect(filtered).toHaveLength(2);
  });

  it("history [] for malformed/unknown ids; single action 404s; stats and signal shapes", async () => {
    const { auth, incidentId } = await org();
    const created = await (await rest("POST", "/remediation/request", { auth, body: requestBody(incidentId) })).json();
    expect(await (await rest("GET", "/remediation/history/garbage", { auth })).json()).toEqual([]);
    expect(await (await rest("GET", `/remediation/history/${ANY_ID}`, { auth })).json()).toEqual([]);
    const history = await (await rest("GET", `/remediation/history/${incidentId}`, { auth })).json();
    expect(history.map((r: { id: string }) => r.id)).toEqual([created.id]);

    const single = await (await rest("GET", `/remediation/${created.id}`, { auth })).json();
    expect(single.events).toEqual([
      {
        id: expect.any(String),
        type: "REQUESTED",
        actor: "user-1",
        data: expect.any(Object),
        createdAt: expect.stringMatching(/Z$/),
        // Its place in the audit chain; null until the sealer has run (docs/audit.md#chain).
        seq: null,
        hash: null,
      },
    ]);
    expect((await rest("GET", "/remediation/garbage", { auth })).status).toBe(404);
    const stranger = await bearer(await createOrganization("stranger"));
    expect((await rest("GET", `/remediation/${created.id}`, { auth: stranger })).status).toBe(404);

    expect(await (await rest("GET", "/remediation/stats?environment=staging", { auth })).json()).toEqual({
      total: 1,
      pending: 0,
      queued: 1,
      executing: 0,
      completed: 0,
      failed: 0,
      rejected: 0,
      successRate: 0,
    });
    expect(await (await rest("GET", "/remediation/priority-signal", { auth })).json()).toEqual({
      level: "healthy",
      label: "Healthy",
      reason: "No remediation pressure.",
      pendingApprovals: 0,
      activeExecutions: 1,
      failedInLast24h: 0,
      overdueOverrideReviews: 0,
      pendingChange24h: 0,
      failedChange24h: 0,
    });
    expect((await rest("GET", "/remediation/stats?environment=NOT VALID", { auth })).status).toBe(400);
  });
});

describe("policy over REST", () => {
  it("GET default; PUT validated and returns the full policy; evaluate stores nothing", async () => {
    const { id, auth, incidentId } = await org();
    const governance = {
      quorumRules: [],
      separationOfDuties: true,
      pendingApprovalTtlMinutes: 1440,
      overrideReviewHours: 24,
      approvalReminderMinutes: null,
      approvalEscalationMinutes: null,
      approvalNotifyEmails: [],
    };
    expect(await (await rest("GET", "/remediation/policy", { auth })).json()).toEqual({
      requireApprovalEnvironments: ["production"],
      requireApprovalSeverities: ["CRITICAL"],
      requireApprovalActionTypes: [],
      blockedEnvironments: [],
      deniedActionTypes: [],
      freezeWindows: [],
      ...governance,
      version: 0,
      updatedBy: null,
      updatedAt: null,
    });
    const badWindow = await rest("PUT", "/remediation/policy", {
      auth,
      body: {
        freezeWindows: [
          { start: "2026-05-02T00:00:00Z", end: "2026-05-01T00:00:00Z", environments: ["production"], reason: "x" },
        ],
      },
    });
    expect(badWindow.status).toBe(400);
    expect((await badWindow.json()).issues).toEqual([
      { path: "freezeWindows.0.end", message: "end must be after start" },
    ]);
    expect((await rest("PUT", "/remediation/policy", { auth, body: { deniedActionTypes: ["nope"] } })).status).toBe(
      400,
    );
    expect((await rest("PUT", "/remediation/policy", { auth, body: { unknown: [] } })).status).toBe(400);

    const put = await rest("PUT", "/remediation/policy", {
      auth,
      body: { requireApprovalActionTypes: ["scale-service"], blockedEnvironments: ["dr"] },
    });
    expect(put.status).toBe(200);
    const saved = {
      requireApprovalEnvironments: ["production"],
      requireApprovalSeverities: ["CRITICAL"],
      requireApprovalActionTypes: ["scale-service"],
      blockedEnvironments: ["dr"],
      deniedActionTypes: [],
      freezeWindows: [],
      ...governance,
      version: 1,
      updatedBy: "user-1",
      updatedAt: expect.stringMatching(/Z$/),
    };
    const putBody = await put.json();
    expect(putBody).toEqual(saved);
    expect(await (await rest("GET", "/remediation/policy", { auth })).json()).toEqual(putBody);

    const evaluate = await rest("POST", "/remediation/policy/evaluate", {
      auth,
      body: requestBody(incidentId, { environment: "dr" }),
    });
    expect(evaluate.status).toBe(200);
    expect(await evaluate.json()).toEqual({
      outcome: "PENDING_APPROVAL",
      reasons: ["Environment dr is blocked from automated remediation."],
      violations: ["Environment dr is blocked from automated remediation."],
      detail:
        "Environment dr is blocked from automated remediation. Policy match: organization blockedEnvironments includes dr.",
    });
    expect(await db().remediationAction.count({ where: { organizationId: id } })).toBe(0);
    expect((await rest("POST", "/remediation/policy/evaluate", { auth, body: { actionType: "x" } })).status).toBe(400);
  });
});
