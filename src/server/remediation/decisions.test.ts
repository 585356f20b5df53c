import { describe, expect, it } from "vitest";
import type { ActionStatus } from "@/lib/schemas";
import { db } from "@/server/db/client";
import { forceActionStatus } from "@/server/db/simulate";
import { callerFor } from "@/test/calls";
import { eventTypes, jobCount } from "@/test/execution-fixtures";
import { createAction, createIncident, createOrganization, requestBody } from "@/test/factories";
import { testGuardrails } from "@/test/settings";

/**
 * A PENDING_APPROVAL production action in a fresh organization, requested by `user-1`; `caller`
 * is approver-1 (separation of duties: the requester cannot approve).
 */
async function pendingAction() {
  const org = await createOrganization("dec");
  const incidentId = await createIncident(org);
  const { action } = await callerFor(org).remediation.request(requestBody(incidentId, { environment: "production" }));
  expect(action.status).toBe("PENDING_APPROVAL");
  return { org, incidentId, caller: callerFor(org, { userId: "approver-1" }), action };
}

/** What an approval that queues the action answers (quorum 1: the counts are added, §13.2). */
const QUEUED = { status: "QUEUED", approvals: 1, requiredApprovals: 1 };

const stored = (id: string) => db().remediationAction.findUniqueOrThrow({ where: { id } });

describe("approve", () => {
  it("no violations: QUEUED, details.approval, APPROVED event, one job", async () => {
    const { org, caller, action } = await pendingAction();
    expect(await caller.remediation.approve({ id: action.id, reason: "Safe change window active" })).toEqual(QUEUED);
    const row = await stored(action.id);
    expect(row.status).toBe("QUEUED");
    const approval = (row.details as { approval: Record<string, unknown> }).approval;
    expect(approval).toMatchObject({
      actor: "approver-1",
      reason: "Safe change window active",
      override: false,
      violations: [],
    });
    expect(new Date(approval.at as string).toISOString()).toBe(approval.at);
    expect((row.details as { policy: unknown }).policy).toBeDefined();
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "APPROVED"]);
    expect(await jobCount(action.id)).toBe(1);
  });

  it("a blank reason is no reason (reason: null)", async () => {
    const { caller, action } = await pendingAction();
    expect(await caller.remediation.approve({ id: action.id, reason: "   " })).toEqual(QUEUED);
    expect(((await stored(action.id)).details as { approval: { reason: unknown } }).approval.reason).toBeNull();
  });

  it("non-pending: answers the current status and queues nothing", async () => {
    const { org, caller, action } = await pendingAction();
    await caller.remediation.approve({ id: action.id });
    expect(await caller.remediation.approve({ id: action.id })).toEqual({ status: "QUEUED" });
    await forceActionStatus(org, [action.id], "COMPLETED");
    expect(await caller.remediation.approve({ id: action.id })).toEqual({ status: "COMPLETED" });
    expect(await jobCount(action.id)).toBe(1);
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "APPROVED"]);
  });

  it("guardrail with no or blank reason: POLICY_VIOLATION, APPROVAL_BLOCKED event, stays pending, no job", async () => {
    const { org, action } = await pendingAction();
    // REMEDIATION_BLOCKED_ENVIRONMENTS=production from now on (after the request).
    const caller = callerFor(org, {
      userId: "approver-1",
      guardrails: testGuardrails({ blockedEnvironments: ["production"] }),
    });
    const expected = {
      status: "POLICY_VIOLATION",
      violations: ["Environment production is blocked from automated remediation."],
      detail:
        "Environment production is blocked from automated remediation. Policy match: global blockedEnvironments includes production.",
    };
    expect(await caller.remediation.approve({ id: action.id })).toEqual(expected);
    expect(await caller.remediation.approve({ id: action.id, reason: "  " })).toEqual(expected);
    expect((await stored(action.id)).status).toBe("PENDING_APPROVAL");
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "APPROVAL_BLOCKED", "APPROVAL_BLOCKED"]);
    expect(await jobCount(action.id)).toBe(0);
  });

  it("guardrails use the CURRENT policy: an organization block added after the request", async () => {
    const { caller, action } = await pendingAction();
    await caller.policy.update({ blockedEnvironments: ["production"] });
    expect(await caller.remediation.approve({ id: action.id })).toMatchObject({
      status: "POLICY_VIOLATION",
      detail:
        "Environment production is blocked from automated remediation. Policy match: organization blockedEnvironments includes production.",
    });
  });

  it("a type denied since the request blocks approval too (overridable with a reason)", async () => {
    const { org, caller, action } = await pendingAction();
    await caller.policy.update({ deniedActionTypes: ["restart-service"] });
    expect(await caller.remediation.approve({ id: action.id })).toEqual({
      status: "POLICY_VIOLATION",
      violations: ["Action type restart-service is denied by policy."],
      detail:
        "Action type restart-service is denied by policy. Policy match: organization deniedActionTypes includes restart-service.",
    });
    expect(await caller.remediation.approve({ id: action.id, reason: "Manual sign-off by SRE lead" })).toEqual(QUEUED);
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "APPROVAL_BLOCKED", "OVERRIDDEN"]);
  });

  it("override: false never overrides, even with a reason; no violations → normal approval", async () => {
    const { org, caller, action } = await pendingAction();
    await caller.policy.update({ blockedEnvironments: ["production"] });
    const oneClick = { id: action.id, reason: "Approved from remediation control center.", override: false };
    expect(await caller.remediation.approve(oneClick)).toMatchObject({ status: "POLICY_VIOLATION" });
    expect((await stored(action.id)).status).toBe("PENDING_APPROVAL");
    expect(await jobCount(action.id)).toBe(0);

    await caller.policy.update({ blockedEnvironments: [] });
    expect(await caller.remediation.approve(oneClick)).toEqual(QUEUED);
    const approval = ((await stored(action.id)).details as { approval: Record<string, unknown> }).approval;
    expect(approval).toMatchObject({ override: false, reason: "Approved from remediation control center." });
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "APPROVAL_BLOCKED", "APPROVED"]);
  });

  it("override with a reason: QUEUED, override recorded with reason and violations, OVERRIDDEN (not APPROVED)", async () => {
    const { org, caller, action } = await pendingAction();
    const end = new Date(Date.now() + 3600_000).toISOString();
    await caller.policy.update({
      freezeWindows: [
        {
          start: new Date(Date.now() - 60_000).toISOString(),
          end,
          environments: ["production"],
          reason: "Quarter close",
        },
      ],
    });
    expect(await caller.remediation.approve({ id: action.id, reason: "Sev1: customer outage" })).toEqual(QUEUED);
    const approval = ((await stored(action.id)).details as { approval: Record<string, unknown> }).approval;
    expect(approval).toMatchObject({
      actor: "approver-1",
      reason: "Sev1: customer outage",
      override: true,
      violations: [`Environment production is in a change freeze until ${end}: Quarter close.`],
    });
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "OVERRIDDEN"]);
    expect(await jobCount(action.id)).toBe(1);
  });

  it("404 for malformed, unknown and foreign ids", async () => {
    const { caller } = await pendingAction();
    const foreign = await pendingAction();
    for (const id of ["not-a-uuid", "a0000000-0000-4000-8000-000000000001", foreign.action.id]) {
      await expect(caller.remediation.approve({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(caller.remediation.reject({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await stored(foreign.action.id)).status).toBe("PENDING_APPROVAL");
  });

  it("20 concurrent approvals: one QUEUED transition, one event, one pg-boss job", async () => {
    const { org, caller, action } = await pendingAction();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => caller.remediation.approve({ id: action.id, reason: `approver ${i}` })),
    );
    expect(results.every((r) => r.status === "QUEUED")).toBe(true);
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "APPROVED"]);
    expect(await jobCount(action.id)).toBe(1);
    const transitions = await db().remediationEvent.count({ where: { actionId: action.id, type: "APPROVED" } });
    expect(transitions).toBe(1);
  });

  it("approve/reject race: exactly one winner", async () => {
    for (let round = 0; round < 5; round++) {
      const { org, caller, action } = await pendingAction();
      const [approved, rejected] = await Promise.allSettled([
        caller.remediation.approve({ id: action.id }),
        caller.remediation.reject({ id: action.id }),
      ]);
      const row = await stored(action.id);
      const types = await eventTypes(org, action.id);
      if (row.status === "QUEUED") {
        expect(approved).toMatchObject({ status: "fulfilled", value: { status: "QUEUED" } });
        expect(rejected).toMatchObject({ status: "rejected" });
        expect((rejected as PromiseRejectedResult).reason.message).toBe(
          'Cannot reject action in "QUEUED" status — only PENDING_APPROVAL actions can be rejected.',
        );
        expect(types).toEqual(["REQUESTED", "APPROVED"]);
        expect(await jobCount(action.id)).toBe(1);
      } else {
        expect(row.status).toBe("REJECTED");
        expect(rejected).toMatchObject({ status: "fulfilled", value: { status: "REJECTED" } });
        expect(approved).toMatchObject({ status: "fulfilled", value: { status: "REJECTED" } });
        expect(types).toEqual(["REQUESTED", "REJECTED"]);
        expect(await jobCount(action.id)).toBe(0);
      }
    }
  });
});

describe("reject", () => {
  it("pending: REJECTED, details.rejection with the prior policy, REJECTED event, never a job", async () => {
    const { org, caller, action } = await pendingAction();
    expect(await caller.remediation.reject({ id: action.id, reason: "Requires manual rollback instead" })).toEqual({
      status: "REJECTED",
    });
    const row = await stored(action.id);
    expect(row.status).toBe("REJECTED");
    const details = row.details as { rejection: Record<string, unknown>; policy: unknown };
    expect(details.rejection).toMatchObject({
      actor: "approver-1",
      reason: "Requires manual rollback instead",
      priorPolicy: details.policy,
    });
    expect(details.rejection.priorPolicy).toMatchObject({ outcome: "PENDING_APPROVAL" });
    expect(typeof details.rejection.at).toBe("string");
    expect(await eventTypes(org, action.id)).toEqual(["REQUESTED", "REJECTED"]);
    expect(await jobCount(action.id)).toBe(0);
  });

  it("a blank reason is recorded as null", async () => {
    const { caller, action } = await pendingAction();
    await caller.remediation.reject({ id: action.id, reason: "" });
    expect(((await stored(action.id)).details as { rejection: { reason: unknown } }).rejection.reason).toBeNull();
  });

  it.each(["QUEUED", "EXECUTING", "COMPLETED", "FAILED", "REJECTED"])(
    "not pending (%s): 400 with the exact message",
    async (status) => {
      const org = await createOrganization("rej");
      const row = { id: await createAction(org, { status: status as ActionStatus }) };
      await expect(callerFor(org).remediation.reject({ id: row.id })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        message: `Cannot reject action in "${status}" status — only PENDING_APPROVAL actions can be rejected.`,
      });
      expect((await stored(row.id)).status).toBe(status);
    },
  );
});
