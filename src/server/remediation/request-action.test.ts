import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { expireIdempotencyKeys } from "@/server/db/simulate";
import { callerFor } from "@/test/calls";
import { eventTypes, jobCount } from "@/test/execution-fixtures";
import { createIncident, createOrganization, requestBody } from "@/test/factories";
import { testGuardrails } from "@/test/settings";

async function setup(permissions?: string[]) {
  const org = await createOrganization("req");
  const incidentId = await createIncident(org);
  return { org, incidentId, caller: callerFor(org, { permissions }) };
}

describe("POST /remediation/request with the default policy", () => {
  it("queues a staging request, records the policy, a REQUESTED event and exactly one job", async () => {
    const { org, incidentId, caller } = await setup();
    const { action, replayed } = await caller.remediation.request(requestBody(incidentId));
    expect(replayed).toBe(false);
    expect(action).toMatchObject({
      organizationId: org,
      incidentId,
      actionType: "restart-service",
      parameters: { service: "api-gateway" },
      serviceName: "api-gateway",
      environment: "staging",
      severity: "HIGH",
      status: "QUEUED",
      performedBy: "user-1",
      error: null,
    });
    expect(Object.keys(action).sort()).toEqual(
      [
        "id",
        "organizationId",
        "incidentId",
        "actionType",
        "parameters",
        "serviceName",
        "environment",
        "severity",
        "status",
        "performedBy",
        "details",
        "error",
        "requiredApprovals",
        "expiresAt",
        "createdAt",
        "updatedAt",
      ].sort(),
    );
    expect(action.details.policy).toEqual({
      outcome: "QUEUED",
      reasons: ["Allowed by policy: no guardrail or approval rule matched."],
      violations: [],
      matchedRules: [],
      version: 0,
    });
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED"]);
    expect(await jobCount(action.id)).toBe(1);
  });

  it("holds production and CRITICAL requests for approval without a job", async () => {
    const { incidentId, caller } = await setup();
    const prod = (await caller.remediation.request(requestBody(incidentId, { environment: "production" }))).action;
    expect(prod.status).toBe("PENDING_APPROVAL");
    expect(prod.details.policy).toEqual({
      outcome: "PENDING_APPROVAL",
      reasons: ["Environment production requires approval."],
      violations: [],
      matchedRules: ["organization requireApprovalEnvironments includes production"],
      version: 0,
    });
    const critical = (await caller.remediation.request(requestBody(incidentId, { severity: "CRITICAL" }))).action;
    expect(critical.status).toBe("PENDING_APPROVAL");
    expect(await jobCount(prod.id)).toBe(0);
    expect(await jobCount(critical.id)).toBe(0);
  });

  it("serviceName defaults to parameters.service, else null; an explicit one wins", async () => {
    const { incidentId, caller } = await setup();
    const flag = await caller.remediation.request(
      requestBody(incidentId, {
        actionType: "toggle-feature-flag",
        parameters: { flag: "checkout-v2", enabled: false },
      }),
    );
    expect(flag.action.serviceName).toBeNull();
    const named = await caller.remediation.request(requestBody(incidentId, { serviceName: "edge-proxy" }));
    expect(named.action.serviceName).toBe("edge-proxy");
  });

  it("validates parameters per action type (400 with issues) and 404s an unknown or foreign incident", async () => {
    const { caller } = await setup();
    const other = await createOrganization("other");
    const foreignIncident = await createIncident(other);
    await expect(
      caller.remediation.request(
        requestBody(foreignIncident, { actionType: "scale-service", parameters: { service: "api", replicas: 1001 } }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.remediation.request(requestBody(foreignIncident))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Incident not found",
    });
    await expect(caller.remediation.request(requestBody("a0000000-0000-4000-8000-000000000001"))).rejects.toMatchObject(
      {
        code: "NOT_FOUND",
      },
    );
  });
});

describe("denied action types → 422, nothing stored", () => {
  it("organization deny list", async () => {
    const { org, incidentId, caller } = await setup();
    await caller.policy.update({ deniedActionTypes: ["run-runbook"] });
    const attempt = caller.remediation.request(
      requestBody(incidentId, { actionType: "run-runbook", parameters: { runbook: "drain" } }),
    );
    await expect(attempt).rejects.toMatchObject({
      code: "UNPROCESSABLE_CONTENT",
      message:
        "Action type run-runbook is denied by policy. Policy match: organization deniedActionTypes includes run-runbook.",
    });
    expect(await db().remediationAction.count({ where: { organizationId: org } })).toBe(0);
    expect(await db().remediationEvent.count({ where: { organizationId: org } })).toBe(0);
  });

  it("global deny list (REMEDIATION_DENIED_ACTION_TYPES), and the idempotency key is not kept", async () => {
    const org = await createOrganization("req");
    const incidentId = await createIncident(org);
    const caller = callerFor(org, {
      headers: { "Idempotency-Key": "deny-1" },
      // REMEDIATION_DENIED_ACTION_TYPES="clear-cache, run-runbook"
      guardrails: testGuardrails({ deniedActionTypes: ["clear-cache", "run-runbook"] }),
    });
    await expect(
      caller.remediation.request(
        requestBody(incidentId, { actionType: "clear-cache", parameters: { service: "api" } }),
      ),
    ).rejects.toMatchObject({
      message:
        "Action type clear-cache is denied by policy. Policy match: global deniedActionTypes includes clear-cache.",
    });
    expect(await db().remediationAction.count({ where: { organizationId: org } })).toBe(0);
    expect(await db().idempotencyKey.count({ where: { organizationId: org } })).toBe(0);
  });
});

describe("guardrails → PENDING_APPROVAL with violations", () => {
  it("global blocked environment (REMEDIATION_BLOCKED_ENVIRONMENTS)", async () => {
    const { org, incidentId } = await setup();
    // REMEDIATION_BLOCKED_ENVIRONMENTS=staging
    const caller = callerFor(org, { guardrails: testGuardrails({ blockedEnvironments: ["staging"] }) });
    const { action } = await caller.remediation.request(requestBody(incidentId));
    expect(action.status).toBe("PENDING_APPROVAL");
    expect(action.details.policy).toEqual({
      outcome: "PENDING_APPROVAL",
      reasons: ["Environment staging is blocked from automated remediation."],
      violations: ["Environment staging is blocked from automated remediation."],
      matchedRules: ["global blockedEnvironments includes staging"],
      version: 0,
    });
    expect(await jobCount(action.id)).toBe(0);
  });

  it("organization blocked environment", async () => {
    const { incidentId, caller } = await setup();
    await caller.policy.update({ blockedEnvironments: ["staging"] });
    const { action } = await caller.remediation.request(requestBody(incidentId));
    expect(action.status).toBe("PENDING_APPROVAL");
    expect((action.details.policy as { matchedRules: string[] }).matchedRules).toEqual([
      "organization blockedEnvironments includes staging",
    ]);
  });

  it("an active freeze window for the environment; inactive or other-environment windows do not apply", async () => {
    const { incidentId, caller } = await setup();
    const hour = 3600_000;
    const end = new Date(Date.now() + hour).toISOString().replace(/\.\d{3}Z$/, ".000Z");
    await caller.policy.update({
      freezeWindows: [
        { start: new Date(Date.now() - hour).toISOString(), end, environments: ["staging"], reason: "Release freeze" },
        {
          start: new Date(Date.now() - 3 * hour).toISOString(),
          end: new Date(Date.now() - 2 * hour).toISOString(),
          environments: ["qa"],
          reason: "Past",
        },
        { start: new Date(Date.now() - hour).toISOString(), end, environments: ["dev"], reason: "Dev freeze" },
      ],
    });
    const frozen = (await caller.remediation.request(requestBody(incidentId))).action;
    expect(frozen.status).toBe("PENDING_APPROVAL");
    expect((frozen.details.policy as { violations: string[] }).violations).toEqual([
      `Environment staging is in a change freeze until ${end}: Release freeze.`,
    ]);
    const qa = (await caller.remediation.request(requestBody(incidentId, { environment: "qa" }))).action;
    expect(qa.status).toBe("QUEUED");
  });
});

describe("Idempotency-Key", () => {
  it("replays the original row for the same body: same id, one row, replayed", async () => {
    const { org, incidentId } = await setup();
    const caller = callerFor(org, { headers: { "Idempotency-Key": "k-1" } });
    const first = await caller.remediation.request(requestBody(incidentId));
    // Key order and defaults do not change the body's identity.
    const { severity, environment, ...rest } = requestBody(incidentId);
    const second = await caller.remediation.request({ severity, environment, ...rest } as ReturnType<
      typeof requestBody
    >);
    expect(second.replayed).toBe(true);
    expect(second.action.id).toBe(first.action.id);
    expect(await db().remediationAction.count({ where: { organizationId: org } })).toBe(1);
    expect(await jobCount(first.action.id)).toBe(1);
  });

  it("409 for the same key with a different body; keys are per organization", async () => {
    const { org, incidentId } = await setup();
    const caller = callerFor(org, { headers: { "Idempotency-Key": "k-2" } });
    await caller.remediation.request(requestBody(incidentId));
    await expect(caller.remediation.request(requestBody(incidentId, { severity: "LOW" }))).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Idempotency-Key was already used with a different request body",
    });
    const other = await createOrganization("other");
    const otherIncident = await createIncident(other);
    const otherCaller = callerFor(other, { headers: { "Idempotency-Key": "k-2" } });
    expect((await otherCaller.remediation.request(requestBody(otherIncident))).replayed).toBe(false);
  });

  it("an expired key is replaced by a new action", async () => {
    const { org, incidentId } = await setup();
    const caller = callerFor(org, { headers: { "Idempotency-Key": "k-3" } });
    const first = await caller.remediation.request(requestBody(incidentId));
    await expireIdempotencyKeys(org, new Date(Date.now() - 1000));
    const second = await caller.remediation.request(requestBody(incidentId, { severity: "LOW" }));
    expect(second.replayed).toBe(false);
    expect(second.action.id).not.toBe(first.action.id);
    const key = await db().idempotencyKey.findFirstOrThrow({ where: { organizationId: org, key: "k-3" } });
    expect(key.actionId).toBe(second.action.id);
    expect(key.expiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it("concurrent identical requests with one key create exactly one action", async () => {
    const { org, incidentId } = await setup();
    const caller = callerFor(org, { headers: { "Idempotency-Key": "k-burst" } });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => caller.remediation.request(requestBody(incidentId))),
    );
    expect(new Set(results.map((r) => r.action.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect(await db().remediationAction.count({ where: { organizationId: org } })).toBe(1);
    expect(await jobCount(results[0]!.action.id)).toBe(1);
  });

  it("a malformed key is a 400", async () => {
    const { org, incidentId } = await setup();
    const caller = callerFor(org, { headers: { "Idempotency-Key": "x".repeat(256) } });
    await expect(caller.remediation.request(requestBody(incidentId))).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
