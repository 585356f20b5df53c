import { z } from "zod";
import { actionTypeSchema } from "@/lib/action-catalog";
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
const policyFields = {
  requireApprovalEnvironments: list(environmentSchema),
  requireApprovalSeverities: list(severitySchema),
  requireApprovalActionTypes: list(actionTypeSchema),
  blockedEnvironments: list(environmentSchema),
  deniedActionTypes: list(actionTypeSchema),
  freezeWindows: z.array(freezeWindowSchema).max(100, "at most 100 freeze windows"),
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
});

export type Policy = z.output<typeof policySchema>;

/** PUT body: any subset of the fields (omitted ones keep their value); unknown keys → 400. */
export const updatePolicyInput = z.strictObject({
  requireApprovalEnvironments: policyFields.requireApprovalEnvironments.optional(),
  requireApprovalSeverities: policyFields.requireApprovalSeverities.optional(),
  requireApprovalActionTypes: policyFields.requireApprovalActionTypes.optional(),
  blockedEnvironments: policyFields.blockedEnvironments.optional(),
  deniedActionTypes: policyFields.deniedActionTypes.optional(),
  freezeWindows: policyFields.freezeWindows.optional(),
});

export const DEFAULT_POLICY: Policy = Object.freeze({
  requireApprovalEnvironments: ["production"],
  requireApprovalSeverities: ["CRITICAL"],
  requireApprovalActionTypes: [],
  blockedEnvironments: [],
  deniedActionTypes: [],
  freezeWindows: [],
}) as Policy;

/** The lists from REMEDIATION_BLOCKED_ENVIRONMENTS / REMEDIATION_DENIED_ACTION_TYPES (§2). */
export interface GlobalPolicy {
  blockedEnvironments: readonly string[];
  deniedActionTypes: readonly string[];
}
