import type { FieldErrors, Resolver } from "react-hook-form";
import type { z } from "zod";
import {
  DEFAULT_POLICY,
  mergePolicyUpdate,
  type Policy,
  policyIssues,
  type QuorumRule,
  updatePolicyInput,
} from "@/lib/policy-schema";

/** One quorum rule as its inputs hold it: a blank list (no text, nothing ticked) matches every value. */
export interface QuorumRuleFormValues {
  environments: string;
  severities: string[];
  actionTypes: string[];
  approvals: string;
}

/** What the editor's inputs hold: lists as free text, instants as `datetime-local` values, numbers as text. */
export interface PolicyFormValues {
  requireApprovalEnvironments: string;
  requireApprovalSeverities: string[];
  requireApprovalActionTypes: string[];
  blockedEnvironments: string;
  deniedActionTypes: string[];
  freezeWindows: { start: string; end: string; environments: string; reason: string }[];
  quorumRules: QuorumRuleFormValues[];
  separationOfDuties: boolean;
  pendingApprovalTtlMinutes: string;
  /** `pendingApprovalTtlMinutes: null`: pending actions wait for a decision forever. */
  pendingApprovalNeverExpires: boolean;
  /** Hours a second approver has to review an override (docs/behaviour.md#override-review). */
  overrideReviewHours: string;
  /** Blank: no reminder (null). */
  approvalReminderMinutes: string;
  /** Blank: no escalation (null). */
  approvalEscalationMinutes: string;
  approvalNotifyEmails: string;
}

export const NEW_QUORUM_RULE: QuorumRuleFormValues = {
  environments: "production",
  severities: [],
  actionTypes: [],
  approvals: "2",
};

export type PolicyUpdate = z.output<typeof updatePolicyInput>;

const splitList = (text: string) => text.split(/[\s,]+/).filter(Boolean);

const pad = (n: number) => String(n).padStart(2, "0");

/** ISO instant → `datetime-local` value in the browser's time zone. */
function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `datetime-local` value (browser time zone) → ISO instant; anything else is passed on for the schema to refuse. */
function fromLocalInput(value: string): string {
  const d = new Date(value);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : value;
}

/** A number input's text → number; blank or garbage becomes NaN, which the schema refuses with its message. */
const toNumber = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

/** An optional number input: blank is "off" (null). */
const toNumberOrNull = (text: string) => (text.trim() === "" ? null : toNumber(text));

function quorumRuleToForm(rule: QuorumRule): QuorumRuleFormValues {
  return {
    environments: (rule.environments ?? []).join(", "),
    severities: [...(rule.severities ?? [])],
    actionTypes: [...(rule.actionTypes ?? [])],
    approvals: String(rule.approvals),
  };
}

/** Blank lists are left out (an absent list matches all; an empty one is refused). */
function quorumRuleFromForm(rule: QuorumRuleFormValues) {
  const environments = splitList(rule.environments);
  return {
    ...(environments.length > 0 && { environments }),
    ...(rule.severities.length > 0 && { severities: rule.severities as Policy["requireApprovalSeverities"] }),
    ...(rule.actionTypes.length > 0 && { actionTypes: rule.actionTypes as never[] }),
    approvals: toNumber(rule.approvals),
  };
}

export function policyToForm(policy: Policy): PolicyFormValues {
  return {
    requireApprovalEnvironments: policy.requireApprovalEnvironments.join(", "),
    requireApprovalSeverities: [...policy.requireApprovalSeverities],
    requireApprovalActionTypes: [...policy.requireApprovalActionTypes],
    blockedEnvironments: policy.blockedEnvironments.join(", "),
    deniedActionTypes: [...policy.deniedActionTypes],
    freezeWindows: policy.freezeWindows.map((w) => ({
      start: toLocalInput(w.start),
      end: toLocalInput(w.end),
      environments: w.environments.join(", "),
      reason: w.reason,
    })),
    quorumRules: policy.quorumRules.map(quorumRuleToForm),
    separationOfDuties: policy.separationOfDuties,
    // "Never expires" keeps a sensible number behind it for when it is unticked (the default).
    pendingApprovalTtlMinutes: String(policy.pendingApprovalTtlMinutes ?? 1440),
    pendingApprovalNeverExpires: policy.pendingApprovalTtlMinutes === null,
    overrideReviewHours: String(policy.overrideReviewHours),
    approvalReminderMinutes: policy.approvalReminderMinutes === null ? "" : String(policy.approvalReminderMinutes),
    approvalEscalationMinutes:
      policy.approvalEscalationMinutes === null ? "" : String(policy.approvalEscalationMinutes),
    approvalNotifyEmails: policy.approvalNotifyEmails.join(", "),
  };
}

function formToPolicyInput(values: PolicyFormValues): z.input<typeof updatePolicyInput> {
  return {
    requireApprovalEnvironments: splitList(values.requireApprovalEnvironments),
    requireApprovalSeverities: values.requireApprovalSeverities as Policy["requireApprovalSeverities"],
    requireApprovalActionTypes: values.requireApprovalActionTypes as never[],
    blockedEnvironments: splitList(values.blockedEnvironments),
    deniedActionTypes: values.deniedActionTypes as never[],
    freezeWindows: values.freezeWindows.map((w) => ({
      start: fromLocalInput(w.start),
      end: fromLocalInput(w.end),
      environments: splitList(w.environments),
      reason: w.reason,
    })),
    quorumRules: values.quorumRules.map(quorumRuleFromForm),
    separationOfDuties: values.separationOfDuties,
    pendingApprovalTtlMinutes: values.pendingApprovalNeverExpires ? null : toNumber(values.pendingApprovalTtlMinutes),
    overrideReviewHours: toNumber(values.overrideReviewHours),
    approvalReminderMinutes: toNumberOrNull(values.approvalReminderMinutes),
    approvalEscalationMinutes: toNumberOrNull(values.approvalEscalationMinutes),
    approvalNotifyEmails: splitList(values.approvalNotifyEmails),
  };
}

/**
 * API issue path (`blockedEnvironments.2`, `freezeWindows.0.end`, `quorumRules.1.environments.0`)
 * → the form field showing it; a list's item shows on its list, anything without a field on the form.
 */
export function formFieldOf(path: string): string {
  const [head, index, field] = path.split(".");
  if (head === "freezeWindows" || head === "quorumRules") {
    return index !== undefined && /^\d+$/.test(index) && field && field in ROW_FIELDS[head]
      ? `${head}.${index}.${field}`
      : "root";
  }
  return head && head in FIELDS ? head : "root";
}

const FIELDS = {
  requireApprovalEnvironments: 1,
  requireApprovalSeverities: 1,
  requireApprovalActionTypes: 1,
  blockedEnvironments: 1,
  deniedActionTypes: 1,
  separationOfDuties: 1,
  pendingApprovalTtlMinutes: 1,
  overrideReviewHours: 1,
  approvalReminderMinutes: 1,
  approvalEscalationMinutes: 1,
  approvalNotifyEmails: 1,
};

const ROW_FIELDS = {
  freezeWindows: { start: 1, end: 1, environments: 1, reason: 1 },
  quorumRules: { environments: 1, severities: 1, actionTypes: 1, approvals: 1 },
};

function setPath(target: Record<string, unknown>, path: string, message: string): void {
  const keys = path.split(".");
  let node = target;
  for (let i = 0; i < keys.length - 1; i++) {
    const key = keys[i] as string;
    node[key] ??= /^\d+$/.test(keys[i + 1] ?? "") ? [] : {};
    node = node[key] as Record<string, unknown>;
  }
  // The first message per field wins: it is the one the API would list first.
  node[keys.at(-1) as string] ??= { type: "validate", message };
}

/** The form's values as the API would take them, or `undefined` while any field is invalid (nothing shown: that is the resolver's job). */
export function policyDraft(values: PolicyFormValues): PolicyUpdate | undefined {
  const parsed = updatePolicyInput.safeParse(formToPolicyInput(values));
  return parsed.success && policyIssues(mergePolicyUpdate(DEFAULT_POLICY, parsed.data)).length === 0
    ? parsed.data
    : undefined;
}

/**
 * Validates with the API's own schema and its rules across fields (policy-schema.ts), so the
 * editor shows the API's messages on the same fields. The form holds every field, so the
 * cross-field rules see the policy the save would store.
 */
export const policyResolver: Resolver<PolicyFormValues, unknown, PolicyUpdate> = async (values) => {
  const parsed = updatePolicyInput.safeParse(formToPolicyInput(values));
  const issues = parsed.success
    ? policyIssues(mergePolicyUpdate(DEFAULT_POLICY, parsed.data))
    : parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
  if (parsed.success && issues.length === 0) return { values: parsed.data, errors: {} };
  const errors: Record<string, unknown> = {};
  for (const issue of issues) setPath(errors, formFieldOf(issue.path), issue.message);
  return { values: {}, errors: errors as FieldErrors<PolicyFormValues> };
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The inputs whose value differs from `loaded` (what the operator changed since loading it). */
export function editedFields(values: PolicyFormValues, loaded: PolicyFormValues): (keyof PolicyFormValues)[] {
  return (Object.keys(loaded) as (keyof PolicyFormValues)[]).filter((key) => !same(values[key], loaded[key]));
}

/**
 * A draft re-applied on a newer version: the inputs the operator changed since `loaded` keep their
 * value, every other input takes the newer version's. `overlap` names the inputs both changed
 * (where the operator's value replaces the other change).
 */
export function reapplyDraft(
  values: PolicyFormValues,
  loaded: PolicyFormValues,
  newer: PolicyFormValues,
): { values: PolicyFormValues; overlap: (keyof PolicyFormValues)[] } {
  const edited = editedFields(values, loaded);
  const merged = { ...newer };
  for (const key of edited) (merged as Record<string, unknown>)[key] = values[key];
  return { values: merged, overlap: edited.filter((key) => !same(loaded[key], newer[key])) };
}
