import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Policy } from "@/lib/policy-schema";
import { activeGuardrails, evaluatePolicy, policyDetail, policyOutcome, QUEUED_REASON } from "./evaluate-policy";

const NO_GLOBAL = { blockedEnvironments: [], deniedActionTypes: [] };
const NOW = new Date("2026-04-20T06:00:00.000Z");
const policy = (overrides: Partial<Policy> = {}): Policy => ({ ...DEFAULT_POLICY, ...overrides });
const request = (
  overrides: Partial<{
    actionType: string;
    environment: string;
    severity: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  }> = {},
) => ({
  actionType: "restart-service",
  environment: "staging",
  severity: "HIGH" as const,
  ...overrides,
});

describe("evaluatePolicy with the default policy", () => {
  it("queues a staging HIGH request", () => {
    expect(evaluatePolicy(request(), DEFAULT_POLICY, NO_GLOBAL, NOW)).toEqual({
      outcome: "QUEUED",
      reasons: [QUEUED_REASON],
      violations: [],
      matchedRules: [],
      detail: QUEUED_REASON,
    });
  });

  it("requires approval in production, without violations", () => {
    const result = evaluatePolicy(request({ environment: "production" }), DEFAULT_POLICY, NO_GLOBAL, NOW);
    expect(result).toEqual({
      outcome: "PENDING_APPROVAL",
      reasons: ["Environment production requires approval."],
      violations: [],
      matchedRules: ["organization requireApprovalEnvironments includes production"],
      detail:
        "Environment production requires approval. Policy match: organization requireApprovalEnvironments includes production.",
    });
  });

  it("requires approval for CRITICAL severity in any environment", () => {
    const result = evaluatePolicy(request({ severity: "CRITICAL" }), DEFAULT_POLICY, NO_GLOBAL, NOW);
    expect(result.outcome).toBe("PENDING_APPROVAL");
    expect(result.matchedRules).toEqual(["organization requireApprovalSeverities includes CRITICAL"]);
    expect(result.reasons).toEqual(["Severity CRITICAL requires approval."]);
  });

  it("requires approval for a listed action type", () => {
    const result = evaluatePolicy(
      request({ actionType: "scale-service" }),
      policy({ requireApprovalActionTypes: ["scale-service"] }),
      NO_GLOBAL,
      NOW,
    );
    expect(result.outcome).toBe("PENDING_APPROVAL");
    expect(result.matchedRules).toEqual(["organization requireApprovalActionTypes includes scale-service"]);
  });
});

describe("denied action types", () => {
  it("blocks with the organization sentence", () => {
    const result = evaluatePolicy(
      request({ actionType: "run-runbook" }),
      policy({ deniedActionTypes: ["run-runbook"] }),
      NO_GLOBAL,
      NOW,
    );
    expect(result.outcome).toBe("BLOCKED");
    expect(result.violations).toEqual(["Action type run-runbook is denied by policy."]);
    expect(result.detail).toBe(
      "Action type run-runbook is denied by policy. Policy match: organization deniedActionTypes includes run-runbook.",
    );
  });

  it("blocks with the global sentence, global first when both list it", () => {
    const global = { blockedEnvironments: [], deniedActionTypes: ["run-runbook"] };
    expect(evaluatePolicy(request({ actionType: "run-runbook" }), DEFAULT_POLICY, global, NOW).detail).toBe(
      "Action type run-runbook is denied by policy. Policy match: global deniedActionTypes includes run-runbook.",
    );
    const both = evaluatePolicy(
      request({ actionType: "run-runbook" }),
      policy({ deniedActionTypes: ["run-runbook"] }),
      global,
      NOW,
    );
    expect(both.matchedRules).toEqual([
      "global deniedActionTypes includes run-runbook",
      "organization deniedActionTypes includes run-runbook",
    ]);
  });

  it("short-circuits guardrails and approval rules", () => {
    const result = evaluatePolicy(
      request({ actionType: "clear-cache", environment: "production" }),
      policy({ deniedActionTypes: ["clear-cache"], blockedEnvironments: ["production"] }),
      NO_GLOBAL,
      NOW,
    );
    expect(result.outcome).toBe("BLOCKED");
    expect(result.violations).toEqual(["Action type clear-cache is denied by policy."]);
  });
});

describe("guardrails", () => {
  it("global blocked environment: violation and the contract's detail", () => {
    const result = evaluatePolicy(
      request({ environment: "production" }),
      DEFAULT_POLICY,
      { blockedEnvironments: ["production"], deniedActionTypes: [] },
      NOW,
    );
    expect(result.outcome).toBe("PENDING_APPROVAL");
    expect(result.violations).toEqual(["Environment production is blocked from automated remediation."]);
    expect(result.detail).toBe(
      "Environment production is blocked from automated remediation. Policy match: global blockedEnvironments includes production.",
    );
    expect(result.matchedRules).toEqual([
      "global blockedEnvironments includes production",
      "organization requireApprovalEnvironments includes production",
    ]);
    expect(result.reasons).toEqual([
      "Environment production is blocked from automated remediation.",
      "Environment production requires approval.",
    ]);
  });

  it("organization blocked environment", () => {
    const result = evaluatePolicy(request(), policy({ blockedEnvironments: ["staging"] }), NO_GLOBAL, NOW);
    expect(result.detail).toBe(
      "Environment staging is blocked from automated remediation. Policy match: organization blockedEnvironments includes staging.",
    );
  });

  const window = (start: string, end: string, environments = ["production"], reason = "Quarter-end close") => ({
    start,
    end,
    environments,
    reason,
  });

  it("an active freeze window is a violation with its end and reason", () => {
    const result = evaluatePolicy(
      request({ environment: "production" }),
      policy({ freezeWindows: [window("2026-04-20T00:00:00.000Z", "2026-04-21T00:00:00.000Z")] }),
      NO_GLOBAL,
      NOW,
    );
    expect(result.violations).toEqual([
      "Environment production is in a change freeze until 2026-04-21T00:00:00.000Z: Quarter-end close.",
    ]);
    expect(result.detail).toBe(
      "Environment production is in a change freeze until 2026-04-21T00:00:00.000Z: Quarter-end close. Policy match: organization freezeWindows covers production.",
    );
  });

  it("an inactive window (past, future, ended exactly now) or another environment is not", () => {
    for (const w of [
      window("2026-04-19T00:00:00.000Z", "2026-04-20T00:00:00.000Z"),
      window("2026-04-20T07:00:00.000Z", "2026-04-21T00:00:00.000Z"),
      window("2026-04-19T00:00:00.000Z", NOW.toISOString()),
      window("2026-04-20T00:00:00.000Z", "2026-04-21T00:00:00.000Z", ["staging"]),
    ]) {
      const result = evaluatePolicy(
        request({ environment: "production" }),
        policy({ freezeWindows: [w] }),
        NO_GLOBAL,
        NOW,
      );
      expect(result.violations).toEqual([]);
    }
    const startsNow = window(NOW.toISOString(), "2026-04-21T00:00:00.000Z");
    expect(
      evaluatePolicy(request({ environment: "production" }), policy({ freezeWindows: [startsNow] }), NO_GLOBAL, NOW)
        .violations,
    ).toHaveLength(1);
  });

  it("joins several violations with a space and their matches with '; '", () => {
    const result = evaluatePolicy(
      request({ environment: "production" }),
      policy({
        blockedEnvironments: ["production"],
        freezeWindows: [window("2026-04-20T00:00:00.000Z", "2026-04-21T00:00:00.000Z")],
      }),
      { blockedEnvironments: ["production"], deniedActionTypes: [] },
      NOW,
    );
    expect(result.detail).toBe(
      "Environment production is blocked from automated remediation. Environment production is in a change freeze until 2026-04-21T00:00:00.000Z: Quarter-end close. Policy match: global blockedEnvironments includes production; organization blockedEnvironments includes production; organization freezeWindows covers production.",
    );
  });
});

describe("policyDetail", () => {
  it("omits the match clause when nothing matched and de-duplicates matches", () => {
    expect(policyDetail([{ sentence: "A.", matches: [] }])).toBe("A.");
    expect(
      policyDetail([
        { sentence: "A.", matches: ["x"] },
        { sentence: "B.", matches: ["x"] },
      ]),
    ).toBe("A. B. Policy match: x.");
  });
});

describe("policyOutcome (the replay's allocation-free judgement)", () => {
  const ENVIRONMENTS = ["production", "staging", "qa"];
  const TYPES = ["restart-service", "clear-cache", "run-runbook"];
  const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
  const BASE = NOW.getTime();
  const HOUR = 3_600_000;
  const some = <T>(values: readonly T[]) => fc.subarray([...values]);
  // Instants on a grid around NOW, so requests land on, just before and just after window edges.
  const instant = fc.integer({ min: -6, max: 6 }).map((k) => BASE + k * HOUR);
  const freezeWindow = fc
    .tuple(instant, fc.integer({ min: 1, max: 6 }), some(ENVIRONMENTS))
    .map(([start, hours, environments]) => ({
      start: new Date(start).toISOString(),
      end: new Date(start + hours * HOUR).toISOString(),
      environments,
      reason: "freeze",
    }));
  const anyPolicy = fc
    .record({
      requireApprovalEnvironments: some(ENVIRONMENTS),
      requireApprovalSeverities: some(SEVERITIES),
      requireApprovalActionTypes: some(TYPES),
      blockedEnvironments: some(ENVIRONMENTS),
      deniedActionTypes: some(TYPES),
      freezeWindows: fc.array(freezeWindow, { maxLength: 3 }),
    })
    .map((p) => policy(p));
  const anyGlobal = fc.record({ blockedEnvironments: some(ENVIRONMENTS), deniedActionTypes: some(TYPES) });
  const anyRequest = fc.record({
    actionType: fc.constantFrom(...TYPES),
    environment: fc.constantFrom(...ENVIRONMENTS),
    severity: fc.constantFrom(...SEVERITIES),
  });

  it("is evaluatePolicy's outcome for every request, policy, global lists and instant", () => {
    fc.assert(
      fc.property(anyRequest, anyPolicy, anyGlobal, instant, fc.integer({ min: -1, max: 1 }), (r, p, g, t, ms) => {
        const at = t + ms;
        expect(policyOutcome(r, p, g, at)).toBe(evaluatePolicy(r, p, g, new Date(at)).outcome);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("activeGuardrails", () => {
  const window = (start: string, end: string, environments = ["production"]) => ({
    start,
    end,
    environments,
    reason: "Quarter-end",
  });

  it("lists what evaluatePolicy counts as violations, as data: blocked first, then active freezes", () => {
    const p = policy({
      blockedEnvironments: ["production"],
      freezeWindows: [
        window("2026-04-20T05:00:00.000Z", "2026-04-20T08:00:00Z"),
        window("2026-04-21T00:00:00.000Z", "2026-04-22T00:00:00.000Z"),
        window("2026-04-20T05:00:00.000Z", "2026-04-20T09:00:00.000Z", ["staging"]),
      ],
    });
    expect(activeGuardrails("production", p, NO_GLOBAL, NOW)).toEqual([
      { kind: "blocked", environment: "production" },
      { kind: "freeze", environment: "production", endsAt: "2026-04-20T08:00:00.000Z", reason: "Quarter-end" },
    ]);
    expect(evaluatePolicy(request({ environment: "production" }), p, NO_GLOBAL, NOW).violations).toHaveLength(2);
  });

  it("global blocked environments count; a window ends at its end exactly; none → []", () => {
    const global = { blockedEnvironments: ["qa"], deniedActionTypes: [] };
    expect(activeGuardrails("qa", DEFAULT_POLICY, global, NOW)).toEqual([{ kind: "blocked", environment: "qa" }]);
    const ended = policy({ freezeWindows: [window("2026-04-20T05:00:00.000Z", NOW.toISOString())] });
    expect(activeGuardrails("production", ended, NO_GLOBAL, NOW)).toEqual([]);
    expect(activeGuardrails("dev", DEFAULT_POLICY, NO_GLOBAL, NOW)).toEqual([]);
  });
});
