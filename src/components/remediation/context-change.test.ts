import { describe, expect, it } from "vitest";
import { approvalStateOf } from "./approval-state";
import { describeContextChange } from "./context-change";
import type { ApprovalContext } from "./types";

const context = (overrides: Partial<ApprovalContext> = {}): ApprovalContext => ({
  version: "v1",
  requiredApprovals: 2,
  approvals: [],
  violations: [],
  expiresAt: null,
  basis: { policyVersion: 1, incidentStatus: "OPEN", incidentSeverity: "HIGH" },
  ...overrides,
});

describe("describeContextChange", () => {
  it("says nothing for the same version", () => {
    expect(describeContextChange(context(), context())).toEqual([]);
  });

  it("names the policy, the incident's severity and status, and the new guardrail sentences", () => {
    const after = context({
      version: "v2",
      violations: ["Environment production is in a change freeze until 2026-12-01T00:00:00.000Z: release."],
      basis: { policyVersion: 2, incidentStatus: "RESOLVED", incidentSeverity: "CRITICAL" },
    });
    expect(describeContextChange(context(), after)).toEqual([
      "The policy changed.",
      "The incident changed (severity HIGH → CRITICAL, status OPEN → RESOLVED).",
      "Guardrails changed: Environment production is in a change freeze until 2026-12-01T00:00:00.000Z: release.",
    ]);
  });

  it("says when guardrails no longer object, and never returns nothing for a new version", () => {
    const before = context({ violations: ["Environment qa is blocked from automated remediation."] });
    expect(describeContextChange(before, context({ version: "v2" }))).toEqual([
      "Guardrails changed: no guardrail objects any more.",
    ]);
    expect(describeContextChange(context(), context({ version: "v2" }))).toEqual([
      "What this approval is about changed.",
    ]);
  });
});

describe("approvalStateOf", () => {
  const vote = { actor: "u-ada", reason: null, at: "2026-04-20T06:01:00.000Z" };
  const action = (performedBy: string, approvals = [vote]) => ({
    performedBy,
    requiredApprovals: 2,
    approvalContext: context({ approvals }),
  });

  it("blocks the requester only while separation of duties is on", () => {
    expect(approvalStateOf(action("u-oscar"), { userId: "u-oscar", separationOfDuties: true })).toMatchObject({
      selfRequested: true,
      blocked: "You requested this — another approver must decide.",
    });
    expect(approvalStateOf(action("u-oscar"), { userId: "u-oscar", separationOfDuties: false }).blocked).toBe(
      undefined,
    );
  });

  it("blocks a second vote by the same principal and counts what is left", () => {
    expect(approvalStateOf(action("u-oscar"), { userId: "u-ada", separationOfDuties: true })).toMatchObject({
      approvals: 1,
      required: 2,
      voted: true,
      blocked: "You approved — waiting for 1 more.",
    });
    expect(approvalStateOf(action("u-oscar"), { userId: "u-olga", separationOfDuties: true })).toMatchObject({
      blocked: undefined,
      completesQuorum: true,
    });
    expect(approvalStateOf(action("u-oscar", []), { userId: "u-olga", separationOfDuties: true }).completesQuorum).toBe(
      false,
    );
  });
});
