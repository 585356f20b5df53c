import type { RouterOutputs as Outputs } from "@/lib/trpc";

export type Action = Outputs["remediation"]["list"][number];
export type ActionWithEvents = Outputs["remediation"]["get"];
export type ActionEvent = ActionWithEvents["events"][number];
export type Incident = Outputs["incidents"]["get"];
export type Suggestion = Incident["suggestions"][number];

/** The policy decision recorded on the action at request time (`details.policy`, docs/behaviour.md#action). */
export interface RecordedPolicy {
  outcome?: string;
  reasons: string[];
  violations: string[];
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** Reads `details.policy` defensively: details is free JSON and older rows may lack fields. */
export function recordedPolicy(details: Record<string, unknown>): RecordedPolicy {
  const policy = (details.policy ?? {}) as Record<string, unknown>;
  return {
    ...(typeof policy.outcome === "string" && { outcome: policy.outcome }),
    reasons: strings(policy.reasons),
    violations: strings(policy.violations),
  };
}

/** What an approver judges on a pending action: votes, guardrails, expiry and its version (docs/behaviour.md#approval-context). */
export type ApprovalContext = NonNullable<Action["approvalContext"]>;
