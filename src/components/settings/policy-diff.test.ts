import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Policy } from "@/lib/policy-schema";
import { diffPolicies } from "./policy-diff";

const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, ...overrides });

describe("diffPolicies", () => {
  it("is empty for equal policies, whatever the order of their lists", () => {
    expect(diffPolicies(policy(), policy())).toEqual([]);
    expect(
      diffPolicies(
        policy({ requireApprovalEnvironments: ["production", "staging"] }),
        policy({ requireApprovalEnvironments: ["staging", "production"] }),
      ),
    ).toEqual([]);
  });

  it("shows lists as added and removed items and scalars as old → new, only for the fields that differ", () => {
    const changes = diffPolicies(
      policy({ blockedEnvironments: ["qa"], separationOfDuties: true, pendingApprovalTtlMinutes: 1440 }),
      policy({
        requireApprovalEnvironments: ["production", "staging"],
        blockedEnvironments: ["dr"],
        separationOfDuties: false,
        pendingApprovalTtlMinutes: null,
      }),
    );
    expect(changes).toEqual([
      {
        field: "requireApprovalEnvironments",
        label: "Environments that require approval",
        kind: "list",
        added: ["staging"],
        removed: [],
      },
      { field: "blockedEnvironments", label: "Blocked environments", kind: "list", added: ["dr"], removed: ["qa"] },
      { field: "separationOfDuties", label: "Separation of duties", kind: "value", from: "on", to: "off" },
      {
        field: "pendingApprovalTtlMinutes",
        label: "Pending approvals expire after",
        kind: "value",
        from: "1440 min",
        to: "never",
      },
    ]);
  });

  it("describes an edited freeze window or quorum rule as one removed and one added item", () => {
    const window = { start: "2026-01-01T00:00:00.000Z", end: "2026-01-02T00:00:00.000Z", environments: ["prod"] };
    const changes = diffPolicies(
      policy({ freezeWindows: [{ ...window, reason: "Sale" }], quorumRules: [{ approvals: 2 }] }),
      policy({
        freezeWindows: [{ ...window, reason: "Black Friday" }],
        quorumRules: [{ approvals: 2, environments: ["production"], severities: ["HIGH"] }],
      }),
    );
    expect(changes).toEqual([
      {
        field: "freezeWindows",
        label: "Freeze windows",
        kind: "list",
        added: ["prod from 2026-01-01T00:00:00.000Z to 2026-01-02T00:00:00.000Z: Black Friday"],
        removed: ["prod from 2026-01-01T00:00:00.000Z to 2026-01-02T00:00:00.000Z: Sale"],
      },
      {
        field: "quorumRules",
        label: "Quorum rules",
        kind: "list",
        added: ["2 approvals for production · HIGH · any action type"],
        removed: ["2 approvals for any environment · any severity · any action type"],
      },
    ]);
  });
});
