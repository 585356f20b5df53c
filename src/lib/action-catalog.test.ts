import { describe, expect, it } from "vitest";
import { ACTION_TYPES, mapSuggestionToAction, parseActionParameters } from "./action-catalog";

describe("action catalog", () => {
  it("lists the six contract types", () => {
    expect(ACTION_TYPES).toEqual([
      "restart-service",
      "scale-service",
      "rollback-deployment",
      "clear-cache",
      "toggle-feature-flag",
      "run-runbook",
    ]);
  });

  it.each([
    ["restart-service", { service: "api" }],
    ["scale-service", { service: "api", replicas: 0 }],
    ["scale-service", { service: "api", replicas: 1000 }],
    ["rollback-deployment", { service: "api" }],
    ["rollback-deployment", { service: "api", toRevision: "v41" }],
    ["clear-cache", { service: "api", cacheKey: "user:*" }],
    ["toggle-feature-flag", { flag: "new-checkout", enabled: false }],
    ["run-runbook", { runbook: "drain-node", args: { node: "n1", force: true, timeout: 30 } }],
    ["restart-service", { service: "api", simulate: "fail" }],
  ])("accepts %s %j", (type, parameters) => {
    expect(parseActionParameters(type, parameters).ok).toBe(true);
  });

  it.each([
    ["restart-service", {}, ["service"]],
    ["scale-service", { service: "api", replicas: 1001 }, ["replicas"]],
    ["scale-service", { service: "api", replicas: 1.5 }, ["replicas"]],
    ["scale-service", { service: "api", replicas: "3" }, ["replicas"]],
    ["rollback-deployment", { service: "api", toRevision: 41 }, ["toRevision"]],
    ["toggle-feature-flag", { flag: "x", enabled: "yes" }, ["enabled"]],
    ["run-runbook", { runbook: "r", args: { nested: { a: 1 } } }, ["args", "nested"]],
    ["restart-service", { service: "api", extra: 1 }, []],
  ])("refuses %s %j at %j", (type, parameters, path) => {
    const result = parseActionParameters(type, parameters);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]?.path).toEqual(path);
  });

  it("maps suggestions, or returns undefined when the catalog cannot execute them", () => {
    expect(mapSuggestionToAction({ actionType: "restart-service", parameters: { service: "api" } })).toEqual({
      actionType: "restart-service",
      parameters: { service: "api" },
    });
    expect(mapSuggestionToAction({ actionType: "reboot-datacenter", parameters: {} })).toBeUndefined();
    expect(mapSuggestionToAction({ actionType: "scale-service", parameters: { service: "api" } })).toBeUndefined();
  });
});
