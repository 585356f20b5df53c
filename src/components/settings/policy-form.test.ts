import { describe, expect, it } from "vitest";
import { formFieldOf, type PolicyFormValues, policyDraft, policyResolver, reapplyDraft } from "./policy-form";

describe("formFieldOf", () => {
  it("puts an API issue on the field that shows it", () => {
    expect(formFieldOf("blockedEnvironments.2")).toBe("blockedEnvironments");
    expect(formFieldOf("freezeWindows.0.end")).toBe("freezeWindows.0.end");
    expect(formFieldOf("quorumRules.1.environments")).toBe("quorumRules.1.environments");
    expect(formFieldOf("quorumRules.1.environments.0")).toBe("quorumRules.1.environments");
    expect(formFieldOf("quorumRules.0.approvals")).toBe("quorumRules.0.approvals");
    expect(formFieldOf("pendingApprovalTtlMinutes")).toBe("pendingApprovalTtlMinutes");
    expect(formFieldOf("separationOfDuties")).toBe("separationOfDuties");
    expect(formFieldOf("overrideReviewHours")).toBe("overrideReviewHours");
    // No field of its own on the form: the form's message.
    expect(formFieldOf("quorumRules")).toBe("root");
    expect(formFieldOf("quorumRules.0")).toBe("root");
    expect(formFieldOf("quorumRules.0.unknown")).toBe("root");
    expect(formFieldOf("approvalEscalationMinutes")).toBe("approvalEscalationMinutes");
    expect(formFieldOf("approvalNotifyEmails.3")).toBe("approvalNotifyEmails");
  });
});

const values = (overrides: Partial<PolicyFormValues> = {}): PolicyFormValues => ({
  requireApprovalEnvironments: "production",
  requireApprovalSeverities: ["CRITICAL"],
  requireApprovalActionTypes: [],
  blockedEnvironments: "",
  deniedActionTypes: [],
  freezeWindows: [],
  quorumRules: [],
  separationOfDuties: true,
  pendingApprovalTtlMinutes: "1440",
  pendingApprovalNeverExpires: false,
  overrideReviewHours: "24",
  approvalReminderMinutes: "",
  approvalEscalationMinutes: "",
  approvalNotifyEmails: "",
  ...overrides,
});

const resolve = (v: PolicyFormValues) => policyResolver(v, undefined, { fields: {}, shouldUseNativeValidation: false });

describe("policyResolver (approval reminder fields)", () => {
  it("blank minutes are off (null); the notify list is split, lower-cased and de-duplicated", async () => {
    const off = await resolve(values());
    expect(off.errors).toEqual({});
    expect(off.values).toMatchObject({
      approvalReminderMinutes: null,
      approvalEscalationMinutes: null,
      approvalNotifyEmails: [],
    });
    const on = await resolve(
      values({
        approvalReminderMinutes: "30",
        approvalEscalationMinutes: "120",
        approvalNotifyEmails: "Oncall@Example.com, sre@example.com\noncall@example.com",
      }),
    );
    expect(on.errors).toEqual({});
    expect(on.values).toMatchObject({
      approvalReminderMinutes: 30,
      approvalEscalationMinutes: 120,
      approvalNotifyEmails: ["oncall@example.com", "sre@example.com"],
    });
  });

  it("escalation not after the reminder shows at the escalation field; a bad email and out-of-range minutes at theirs", async () => {
    const same = await resolve(values({ approvalReminderMinutes: "60", approvalEscalationMinutes: "60" }));
    expect(same.values).toEqual({});
    expect(same.errors).toEqual({
      approvalEscalationMinutes: {
        type: "validate",
        message: "must be larger than approvalReminderMinutes (60)",
      },
    });
    expect(policyDraft(values({ approvalReminderMinutes: "60", approvalEscalationMinutes: "60" }))).toBeUndefined();
    const bad = await resolve(
      values({
        approvalReminderMinutes: "0",
        approvalEscalationMinutes: "x",
        approvalNotifyEmails: "ok@example.com, nope",
      }),
    );
    expect(bad.errors).toMatchObject({
      approvalReminderMinutes: { message: "at least 1" },
      approvalEscalationMinutes: { message: expect.any(String) },
      approvalNotifyEmails: { message: '"nope" is not a valid email address' },
    });
  });
});

describe("policyResolver (governance fields)", () => {
  it("leaves blank rule lists out (they match every value) and sends null for never expires", async () => {
    const result = await resolve(
      values({
        quorumRules: [{ environments: " ", severities: ["HIGH"], actionTypes: [], approvals: "3" }],
        separationOfDuties: false,
        pendingApprovalNeverExpires: true,
      }),
    );
    expect(result.errors).toEqual({});
    expect(result.values).toMatchObject({
      quorumRules: [{ severities: ["HIGH"], approvals: 3 }],
      separationOfDuties: false,
      pendingApprovalTtlMinutes: null,
    });
    expect((result.values as { quorumRules: object[] }).quorumRules[0]).not.toHaveProperty("environments");
  });

  it("shows the schema's messages on the rule's fields and the expiry", async () => {
    const result = await resolve(
      values({
        quorumRules: [{ environments: "Prod!", severities: [], actionTypes: [], approvals: "6" }],
        pendingApprovalTtlMinutes: "2",
        overrideReviewHours: "169",
      }),
    );
    const errors = result.errors as Record<string, unknown>;
    expect(errors).toMatchObject({
      quorumRules: [{ environments: { message: expect.any(String) }, approvals: { message: "at most 5 approvals" } }],
      pendingApprovalTtlMinutes: { message: "at least 5" },
      overrideReviewHours: { message: "at most 168" },
    });
  });
});

describe("policyDraft", () => {
  it("is the API's update for valid values and nothing while a field is invalid", () => {
    expect(policyDraft(values({ requireApprovalEnvironments: "production, staging, staging" }))).toMatchObject({
      requireApprovalEnvironments: ["production", "staging"],
      pendingApprovalTtlMinutes: 1440,
      overrideReviewHours: 24,
    });
    expect(policyDraft(values({ blockedEnvironments: "Prod!" }))).toBeUndefined();
  });
});

describe("reapplyDraft", () => {
  it("keeps the operator's edits and takes every other input from the newer version", () => {
    const loaded = values({ blockedEnvironments: "qa" });
    const edited = { ...loaded, requireApprovalEnvironments: "production, staging", separationOfDuties: false };
    const newer = values({ blockedEnvironments: "qa, dr", separationOfDuties: true, pendingApprovalTtlMinutes: "60" });
    expect(reapplyDraft(edited, loaded, newer)).toEqual({
      values: {
        ...newer,
        requireApprovalEnvironments: "production, staging",
        separationOfDuties: false,
      },
      overlap: [],
    });
  });

  it("names the inputs both changed, where the operator's value wins", () => {
    const loaded = values();
    const edited = { ...loaded, requireApprovalSeverities: ["CRITICAL", "HIGH"] };
    const newer = values({ requireApprovalSeverities: [] });
    const result = reapplyDraft(edited, loaded, newer);
    expect(result.values.requireApprovalSeverities).toEqual(["CRITICAL", "HIGH"]);
    expect(result.overlap).toEqual(["requireApprovalSeverities"]);
  });
});
