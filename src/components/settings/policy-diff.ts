import type { Policy } from "@/lib/policy-schema";

/** One field that differs between two policies: a list as added/removed items, a scalar as old → new. */
export type PolicyFieldChange =
  | { field: keyof Policy; label: string; kind: "list"; added: string[]; removed: string[] }
  | { field: keyof Policy; label: string; kind: "value"; from: string; to: string };

type FreezeWindow = Policy["freezeWindows"][number];
type QuorumRule = Policy["quorumRules"][number];

const any = (values: readonly string[] | undefined, what: string) =>
  values && values.length > 0 ? values.join(", ") : `any ${what}`;

function freezeWindowText(w: FreezeWindow): string {
  return `${w.environments.join(", ")} from ${w.start} to ${w.end}: ${w.reason}`;
}

function quorumRuleText(r: QuorumRule): string {
  return `${r.approvals} approval${r.approvals === 1 ? "" : "s"} for ${any(r.environments, "environment")} · ${any(r.severities, "severity")} · ${any(r.actionTypes, "action type")}`;
}

const minutes = (none: string) => (v: number | null) => (v === null ? none : `${v} min`);

type Describe<K extends keyof Policy> =
  | { label: string; kind: "list"; item: (value: Policy[K][never]) => string }
  | { label: string; kind: "value"; text: (value: Policy[K]) => string };

const text = (v: string) => v;

/** Every policy field (a new one fails to compile until it is described here), in the editor's order. */
const FIELDS: { [K in keyof Policy]: Describe<K> } = {
  requireApprovalEnvironments: { label: "Environments that require approval", kind: "list", item: text },
  requireApprovalSeverities: { label: "Severities that require approval", kind: "list", item: text },
  requireApprovalActionTypes: { label: "Action types that require approval", kind: "list", item: text },
  blockedEnvironments: { label: "Blocked environments", kind: "list", item: text },
  deniedActionTypes: { label: "Denied action types", kind: "list", item: text },
  freezeWindows: { label: "Freeze windows", kind: "list", item: freezeWindowText },
  quorumRules: { label: "Quorum rules", kind: "list", item: quorumRuleText },
  separationOfDuties: { label: "Separation of duties", kind: "value", text: (v) => (v ? "on" : "off") },
  pendingApprovalTtlMinutes: {
    label: "Pending approvals expire after",
    kind: "value",
    text: minutes("never"),
  },
  overrideReviewHours: { label: "Override review within", kind: "value", text: (v) => `${v} h` },
  approvalReminderMinutes: { label: "Approval reminder after", kind: "value", text: minutes("off") },
  approvalEscalationMinutes: { label: "Approval escalation after", kind: "value", text: minutes("off") },
  approvalNotifyEmails: { label: "Approval notification emails", kind: "list", item: text },
};

/**
 * The fields that differ from `from` to `to`. List items are compared by what they say (a freeze
 * window or quorum rule as one line), so a reordered list is no change and an edited item is one
 * removed and one added.
 */
export function diffPolicies(from: Policy, to: Policy): PolicyFieldChange[] {
  const changes: PolicyFieldChange[] = [];
  for (const field of Object.keys(FIELDS) as (keyof Policy)[]) {
    const describe = FIELDS[field] as Describe<keyof Policy>;
    if (describe.kind === "list") {
      const item = describe.item as (value: unknown) => string;
      const before = new Set((from[field] as unknown[]).map(item));
      const after = new Set((to[field] as unknown[]).map(item));
      const added = [...after].filter((v) => !before.has(v));
      const removed = [...before].filter((v) => !after.has(v));
      if (added.length > 0 || removed.length > 0) {
        changes.push({ field, label: describe.label, kind: "list", added, removed });
      }
    } else {
      const show = describe.text as (value: unknown) => string;
      const [was, now] = [show(from[field]), show(to[field])];
      if (was !== now) changes.push({ field, label: describe.label, kind: "value", from: was, to: now });
    }
  }
  return changes;
}

/** A policy field's name as the diff and the editor's notices show it. */
export const fieldLabel = (field: keyof Policy): string => FIELDS[field].label;
