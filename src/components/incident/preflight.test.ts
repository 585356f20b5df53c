import { describe, expect, it } from "vitest";
import { matchedRules, unmappableReason } from "./preflight";

describe("unmappableReason", () => {
  it("is undefined for a suggestion the catalog executes", () => {
    expect(unmappableReason({ actionType: "scale-service", parameters: { service: "checkout", replicas: 4 } })).toBe(
      undefined,
    );
  });

  it("names an unknown action type", () => {
    expect(unmappableReason({ actionType: "page-network-team", parameters: {} })).toBe(
      "Unknown action type: page-network-team",
    );
  });

  it("names the parameter out of its rules, missing or unknown", () => {
    expect(unmappableReason({ actionType: "scale-service", parameters: { service: "checkout", replicas: 5000 } })).toBe(
      "replicas must be between 0 and 1000",
    );
    expect(unmappableReason({ actionType: "restart-service", parameters: {} })).toMatch(/^service/);
    expect(unmappableReason({ actionType: "restart-service", parameters: { service: "a", colour: "red" } })).toMatch(
      /colour/,
    );
  });
});

describe("matchedRules", () => {
  it("reads the matched rules off a policy detail sentence", () => {
    expect(
      matchedRules(
        "Action type restart-service is denied by policy. Policy match: organization deniedActionTypes includes restart-service.",
      ),
    ).toBe("organization deniedActionTypes includes restart-service");
    expect(
      matchedRules(
        "Environment production is blocked from automated remediation. Policy match: global blockedEnvironments includes production; organization blockedEnvironments includes production.",
      ),
    ).toBe("global blockedEnvironments includes production; organization blockedEnvironments includes production");
  });

  it("is undefined when nothing matched", () => {
    expect(matchedRules("Allowed by policy: no guardrail or approval rule matched.")).toBe(undefined);
  });
});
