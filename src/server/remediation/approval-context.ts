import { createHash } from "node:crypto";
import type { GlobalPolicy, VersionedPolicy } from "@/lib/policy-schema";
import type { ActionRecord, ActionWithBasis, ApprovalBasis } from "@/server/db/stores/actions";
import type { VoteRecord } from "@/server/db/stores/approval-votes";
import { evaluatePolicy } from "@/server/policy/evaluate-policy";
import { policyFromRow } from "@/server/policy/load-policy";
import type { ApprovalContext } from "./schemas";

/**
 * The card an approver judges (docs/behaviour.md#approval-context), pure: the action, what its
 * judgement depends on (policy version, incident status and severity, the guardrail violations
 * under the current policy now) and the votes cast on exactly that. `version` is a digest of
 * those inputs, so it changes whenever one of them does; votes cast on another version do not
 * count and are not listed.
 */
export interface JudgedContext {
  context: ApprovalContext;
  policy: VersionedPolicy;
  /** The violations' `detail` (§ policy detail sentence), for POLICY_VIOLATION answers and events. */
  detail: string;
  /** The votes on the current version (what `context.approvals` lists). */
  votes: VoteRecord[];
}

export function judgeApprovalContext(
  action: Pick<ActionRecord, "actionType" | "environment" | "severity" | "requiredApprovals" | "expiresAt">,
  basis: ApprovalBasis,
  global: GlobalPolicy,
  now: Date,
): JudgedContext {
  const policy = policyFromRow(basis.policy);
  const { violations, detail } = evaluatePolicy(action, policy, global, now);
  const version = contextVersion([policy.version, basis.incidentStatus, basis.incidentSeverity, violations]);
  const votes = basis.votes.filter((v) => v.contextVersion === version);
  return {
    policy,
    detail,
    votes,
    context: {
      version,
      requiredApprovals: action.requiredApprovals,
      approvals: votes.map((v) => ({ actor: v.actor, reason: v.reason, at: v.at.toISOString() })),
      violations,
      expiresAt: action.expiresAt,
      basis: {
        policyVersion: policy.version,
        incidentStatus: basis.incidentStatus,
        incidentSeverity: basis.incidentSeverity,
      },
    },
  };
}

/** An opaque, short digest of what the approver must judge. */
function contextVersion(inputs: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("base64url").slice(0, 22);
}

/**
 * An action read → the API row: its approval context when it is pending (null otherwise), the
 * basis it was read with dropped. `now` and the global lists are the reader's. Keys in the order
 * of `listedActionSchema`: the list reads answer this object as is, unparsed (docs/adr/0014-hot-read-output-checked-by-tests.md).
 */
export function withApprovalContext(
  action: ActionWithBasis,
  global: GlobalPolicy,
  now: Date,
): ActionRecord & { approvalContext: ApprovalContext | null; incidentTitle: string | null } {
  const { approvalBasis, incidentTitle, ...row } = action;
  const approvalContext =
    row.status === "PENDING_APPROVAL" && approvalBasis
      ? judgeApprovalContext(row, approvalBasis, global, now).context
      : null;
  return { ...row, approvalContext, incidentTitle };
}
