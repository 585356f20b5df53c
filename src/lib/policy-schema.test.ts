import { describe, expect, it } from "vitest";
import { updatePolicyInput } from "@/lib/policy-schema";
import { zodIssues } from "@/server/errors";

const issues = (value: unknown) => {
  const result = updatePolicyInput.safeParse(value);
  return result.success ? [] : (zodIssues(result.error) ?? []);
};

describe("updatePolicyInput", () => {
  it("accepts any subset, de-duplicates lists and normalises freeze window instants", () => {
    const result = updatePolicyInput.parse({
      requireApprovalSeverities: ["HIGH", "HIGH", "CRITICAL"],
      freezeWindows: [
        {
          start: "2026-04-20T02:00:00+02:00",
          end: "2026-04-21T00:00:00Z",
          environments: ["production"],
          reason: " Release ",
        },
      ],
    });
    expect(result.requireApprovalSeverities).toEqual(["HIGH", "CRITICAL"]);
    expect(result.freezeWindows?.[0]).toEqual({
      start: "2026-04-20T00:00:00.000Z",
      end: "2026-04-21T00:00:00.000Z",
      environments: ["production"],
      reason: "Release",
    });
  });

  it("refuses start >= end, unknown action types, bad slugs, bad severities and unknown keys", () => {
    expect(
      issues({
        freezeWindows: [
          { start: "2026-04-21T00:00:00Z", end: "2026-04-21T00:00:00Z", environments: ["production"], reason: "x" },
        ],
      }),
    ).toEqual([{ path: "freezeWindows.0.end", message: "end must be after start" }]);
    expect(issues({ deniedActionTypes: ["reboot-datacenter"] })[0]?.path).toBe("deniedActionTypes.0");
    expect(issues({ requireApprovalActionTypes: ["nope"] })[0]?.path).toBe("requireApprovalActionTypes.0");
    expect(issues({ blockedEnvironments: ["Production"] })[0]?.path).toBe("blockedEnvironments.0");
    expect(issues({ requireApprovalSeverities: ["URGENT"] })[0]?.path).toBe("requireApprovalSeverities.0");
    expect(issues({ surprise: true })[0]?.path).toBe("");
    expect(
      issues({
        freezeWindows: [{ start: "yesterday", end: "2026-04-21T00:00:00Z", environments: [], reason: "" }],
      }).map((i) => i.path),
    ).toEqual(["freezeWindows.0.start", "freezeWindows.0.environments", "freezeWindows.0.reason"]);
  });
});
