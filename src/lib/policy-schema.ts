import { z } from "zod";
import { actionTypeSchema } from "@/lib/action-catalog";
import { reportRecipientsSchema } from "@/lib/reporting-settings";
import { environmentSchema, severitySchema, storableString } from "@/lib/schemas";

// Pure (zod + src/lib only): the policy editor in the UI validates with the same rules.

const unique = <T>(values: T[]): T[] => [...new Set(values)];

const list = <T extends z.ZodType<string>>(item: T, max = 100) =>
  z.array(item).max(max, `at most ${max} entries`).transform(unique);

const isoInstant = z.iso
  .datetime({ offset: true, message: "Must be an ISO 8601 timestamp" })
  .transform((v) => new Date(v).toISOString());

const NORMALISED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const freezeWindowSchema = z
  .strictObject({
    start: isoInstant,
    end: isoInstant,
    environments: list(environmentSchema).refine((v) => v.length > 0, "at least one environment"),
    reason: storableString().trim().min(1, "reason is required").max(500, "reason must be at most 500 characters"),
  })
  .superRefine((w, ctx) => {
    // zod runs this even when a field failed; compare only two valid (normalised) instants.
    if (!NORMALISED.test(w.start) || !NORMALISED.test(w.end)) return;
    if (w.start >= w.end) ctx.addIssue({ code: "custom", path: ["end"], message: "end must be after start" });
  });

/**
 * Denied and approval-required action types must be catalog types: a typo in a deny list would
 * otherwise silently deny nothing.
 */
const nonEmpty = <T extends z.ZodType<string>>(item: T) =>
  list(item).refine((v) => v.length > 0, "must not be empty (omit the list to match every value)");

/**
 * A quorum rule (docs/behaviour.md#quorum): matches an action when every list it has holds the
 * action's value; an absent list matches all, an empty one would match nothing and is refused.
 */
const quorumRuleSchema = z.strictObject({
  environments: nonEmpty(environmentSchema).optional(),
  severities: nonEmpty(severitySchema).optional(),
  actionTypes: nonEmpty(actionTypeSchema).optional(),
  approvals: z.number().int().min(1, "at least 1 approval").max(5, "at most 5 approvals"),
});

const minutes = (min: number, max: number) =>
  z.number().int("must be a whole number of minutes").min(min, `at least ${min}`).max(max, `at most ${max}`);

const policyFields = {
  requireApprovalEnvironments: list(environmentSchema),
  requireApprovalSeverities: list(severitySchema),
  requireApprovalActionTypes: list(actionTypeSchema),
  blockedEnvironments: list(environmentSchema),
  deniedActionTypes: list(actionTypeSchema),
  freezeWindows: z.array(freezeWindowSchema).max(100, "at most 100 freeze windows"),
  quorumRules: z.array(quorumRuleSchema).max(20, "at most 20 quorum rules"),
  separationOfDuties: z.boolean(),
  pendingApprovalTtlMinutes: minutes(5, 43_200).nullable(),
  overrideReviewHours: z.number().int("must be a whole number of hours").min(1, "at least 1").max(168, "at most 168"),
  approvalReminderMinutes: minutes(1, 1440).nullable(),
  approvalEscalationMinutes: minutes(1, 10_080).nullable(),
  // The same rule as report recipients: valid, lower-cased, de-duplicated, at most 20.
  approvalNotifyEmails: reportRecipientsSchema,
};

/** The stored/returned policy (docs/behaviour.md#policy). */
export const policySchema = z.object({
  requireApprovalEnvironments: z.array(z.string()),
  requireApprovalSeverities: z.array(severitySchema),
  requireApprovalActionTypes: z.array(z.string()),
  blockedEnvironments: z.array(z.string()),
  deniedActionTypes: z.array(z.string()),
  freezeWindows: z.array(
    z.object({ start: z.string(), end: z.string(), environments: z.array(z.string()), reason: z.string() }),
  ),
  quorumRules: z.array(
    z.object({
      environments: z.array(z.string()).optional(),
      severities: z.array(severitySchema).optional(),
      actionTypes: z.array(z.string()).optional(),
      approvals: z.number(),
    }),
  ),
  separationOfDuties: z.boolean(),
  pendingApprovalTtlMinutes: z.number().nullable(),
  overrideReviewHours: z.number(),
  approvalReminderMinutes: z.number().nullable(),
  approvalEscalationMinutes: z.number().nullable(),
  approvalNotifyEmails: z.array(z.string()),
});

export type Policy = z.output<typeof policySchema>;
export type QuorumRule = Policy["quorumRules"][number];

/**
 * What GET/PUT answer: the policy and which saved version it is (docs/behaviour.md#policy-version):
 * version 0 is the never-saved default, with no author or time.
 */
export const versionedPolicySchema = policySchema.extend({
  version: z.number(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type VersionedPolicy = z.output<typeof versionedPolicySchema>;

/** PUT body: any subset of the fields (omitted ones keep their value); unknown keys → 400. */
export const updatePolicyInput = z.strictObject({
  requireApprovalEnvironments: policyFields.requireApprovalEnvironments.optional(),
  requireApprovalSeverities: policyFields.requireApprovalSeverities.optional(),
  requireApprovalActionTypes: policyFields.requireApprovalActionTypes.optional(),
  blockedEnvironments: policyFields.blockedEnvironments.optional(),
  deniedActionTypes: policyFields.deniedActionTypes.optional(),
  freezeWindows: policyFields.freezeWindows.optional(),
  quorumRules: policyFields.quorumRules.optional(),
  separationOfDuties: policyFields.separationOfDuties.optional(),
  pendingApprovalTtlMinutes: policyFields.pendingApprovalTtlMinutes.optional(),
  overrideReviewHours: policyFields.overrideReviewHours.optional(),
  approvalReminderMinutes: policyFields.approvalReminderMinutes.optional(),
  approvalEscalationMinutes: policyFields.approvalEscalationMinutes.optional(),
  approvalNotifyEmails: policyFields.approvalNotifyEmails.optional(),
});

/** PUT body: the update, optionally bound to the version it was made from (docs/behaviour.md#policy-version). */
export const updatePolicyBody = updatePolicyInput.extend({
  expectedVersion: z.number().int("expectedVersion must be an integer").min(0).optional(),
});

/** POST /remediation/policy/simulate (docs/behaviour.md#policy-simulate). */
export const simulatePolicyInput = z.strictObject({
  policy: updatePolicyInput,
  days: z
    .number()
    .int("days must be an integer")
    .min(1, "days must be at least 1")
    .max(90, "days must be at most 90")
    .default(30),
  sampleLimit: z
    .number()
    .int("sampleLimit must be an integer")
    .min(0, "sampleLimit must be at least 0")
    .max(500, "sampleLimit must be at most 500")
    .default(50),
});

/**
 * An update (or a draft) merged onto a policy: the fields sent replace, the others keep their
 * value; a versioned policy's stamp is not part of the result.
 */
export function mergePolicyUpdate(current: Policy, update: z.output<typeof updatePolicyInput>): Policy {
  const base: Policy = {
    requireApprovalEnvironments: current.requireApprovalEnvironments,
    requireApprovalSeverities: current.requireApprovalSeverities,
    requireApprovalActionTypes: current.requireApprovalActionTypes,
    blockedEnvironments: current.blockedEnvironments,
    deniedActionTypes: current.deniedActionTypes,
    freezeWindows: current.freezeWindows,
    quorumRules: current.quorumRules,
    separationOfDuties: current.separationOfDuties,
    pendingApprovalTtlMinutes: current.pendingApprovalTtlMinutes,
    overrideReviewHours: current.overrideReviewHours,
    approvalReminderMinutes: current.approvalReminderMinutes,
    approvalEscalationMinutes: current.approvalEscalationMinutes,
    approvalNotifyEmails: current.approvalNotifyEmails,
  };
  const sent = Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined));
  return { ...base, ...sent };
}

/**
 * Rules across fields, checked on the policy after the update is merged onto the saved one
 * (an update may send either field alone): the escalation comes after the reminder.
 */
export function policyIssues(policy: Policy): { path: string; message: string }[] {
  const { approvalReminderMinutes: reminder, approvalEscalationMinutes: escalation } = policy;
  if (reminder !== null && escalation !== null && escalation <= reminder) {
    return [
      {
        path: "approvalEscalationMinutes",
        message: `must be larger than approvalReminderMinutes (${reminder})`,
      },
    ];
  }
  return [];
}

export const DEFAULT_POLICY: Policy = Object.freeze({
  requireApprovalEnvironments: ["production"],
  requireApprovalSeverities: ["CRITICAL"],
  requireApprovalActionTypes: [],
  blockedEnvironments: [],
  deniedActionTypes: [],
  freezeWindows: [],
  quorumRules: [],
  separationOfDuties: true,
  pendingApprovalTtlMinutes: 1440,
  overrideReviewHours: 24,
  approvalReminderMinutes: null,
  approvalEscalationMinutes: null,
  approvalNotifyEmails: [],
}) as Policy;

/** The lists from REMEDIATION_BLOCKED_ENVIRONMENTS / REMEDIATION_DENIED_ACTION_TYPES (§2). */
export interface GlobalPolicy {
  blockedEnvironments: readonly string[];
  deniedActionTypes: readonly string[];
}
