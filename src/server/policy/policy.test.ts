import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "@/lib/policy-schema";
import { db } from "@/server/db/client";
import { callerFor } from "@/test/calls";
import { createOrganization, requestBody } from "@/test/factories";
import { testGuardrails } from "@/test/settings";

const INCIDENT = "a0000000-0000-4000-8000-000000000001";

/** The default policy as GET answers it before any save: version 0, no author, no time. */
const UNSAVED = { ...DEFAULT_POLICY, version: 0, updatedBy: null, updatedAt: null };

describe("policy storage", () => {
  it("default until saved; PUT replaces only the fields sent and is organization-scoped", async () => {
    const org = await createOrganization("pol");
    const caller = callerFor(org, { userId: "admin-1" });
    expect(await caller.policy.get()).toEqual(UNSAVED);
    await caller.policy.update({ deniedActionTypes: ["run-runbook", "run-runbook"] });
    expect(await caller.policy.update({ requireApprovalSeverities: ["HIGH", "CRITICAL"] })).toEqual({
      ...DEFAULT_POLICY,
      deniedActionTypes: ["run-runbook"],
      requireApprovalSeverities: ["HIGH", "CRITICAL"],
      version: 2,
      updatedBy: "admin-1",
      updatedAt: expect.any(String),
    });
    expect((await db().organizationPolicy.findUniqueOrThrow({ where: { organizationId: org } })).updatedBy).toBe(
      "admin-1",
    );
    expect(await callerFor(await createOrganization("pol")).policy.get()).toEqual(UNSAVED);
  });

  it("concurrent partial updates of different fields both persist", async () => {
    const caller = callerFor(await createOrganization("pol"));
    await Promise.all([
      caller.policy.update({ blockedEnvironments: ["dr"] }),
      caller.policy.update({ requireApprovalActionTypes: ["scale-service"] }),
      caller.policy.update({ deniedActionTypes: ["clear-cache"] }),
    ]);
    expect(await caller.policy.get()).toMatchObject({
      blockedEnvironments: ["dr"],
      requireApprovalActionTypes: ["scale-service"],
      deniedActionTypes: ["clear-cache"],
      version: 3,
    });
  });
});

describe("policy.evaluate", () => {
  it("QUEUED / PENDING_APPROVAL / BLOCKED with reasons, violations and detail; stores nothing", async () => {
    const org = await createOrganization("pol");
    const caller = callerFor(org);
    expect(await caller.policy.evaluate(requestBody(INCIDENT))).toEqual({
      outcome: "QUEUED",
      reasons: ["Allowed by policy: no guardrail or approval rule matched."],
      violations: [],
      detail: "Allowed by policy: no guardrail or approval rule matched.",
    });
    expect(await caller.policy.evaluate(requestBody(INCIDENT, { severity: "CRITICAL" }))).toEqual({
      outcome: "PENDING_APPROVAL",
      reasons: ["Severity CRITICAL requires approval."],
      violations: [],
      detail:
        "Severity CRITICAL requires approval. Policy match: organization requireApprovalSeverities includes CRITICAL.",
    });
    // REMEDIATION_DENIED_ACTION_TYPES=toggle-feature-flag
    const denying = callerFor(org, {
      guardrails: testGuardrails({ deniedActionTypes: ["toggle-feature-flag"] }),
    });
    expect(
      await denying.policy.evaluate(
        requestBody(INCIDENT, { actionType: "toggle-feature-flag", parameters: { flag: "x", enabled: true } }),
      ),
    ).toEqual({
      outcome: "BLOCKED",
      reasons: ["Action type toggle-feature-flag is denied by policy."],
      violations: ["Action type toggle-feature-flag is denied by policy."],
      detail:
        "Action type toggle-feature-flag is denied by policy. Policy match: global deniedActionTypes includes toggle-feature-flag.",
    });
    expect(await db().remediationAction.count({ where: { organizationId: org } })).toBe(0);
    expect(await db().organizationPolicy.count({ where: { organizationId: org } })).toBe(0);
  });

  it("validates the body like a request (400)", async () => {
    const caller = callerFor(await createOrganization("pol"));
    await expect(
      caller.policy.evaluate(
        requestBody(INCIDENT, { actionType: "scale-service", parameters: { service: "a", replicas: -1 } }),
      ),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
