import type { Action } from "./types";

/** Shown instead of an active Approve on the requester's own action while separation of duties is on. */
const SELF_REQUESTED = "You requested this — another approver must decide.";

export interface ApprovalState {
  approvals: number;
  required: number;
  /** The signed-in principal requested it and the policy keeps requesters from approving. */
  selfRequested: boolean;
  /** The signed-in principal already voted on the current context version. */
  voted: boolean;
  /** Why Approve is disabled for this principal, or undefined when they may approve. */
  blocked: string | undefined;
  /** This principal's vote would reach the quorum (and so queue the action). */
  completesQuorum: boolean;
}

const waitingFor = (n: number) => `waiting for ${n} more`;

/**
 * Who may still approve a pending action, from its approval context (votes on the current
 * version only) and the organization's separation-of-duties setting. The server decides again on
 * every vote; this only keeps the UI from offering a click the server will refuse.
 */
export function approvalStateOf(
  action: Pick<Action, "performedBy" | "requiredApprovals" | "approvalContext">,
  principal: { userId: string; separationOfDuties: boolean },
): ApprovalState {
  const context = action.approvalContext;
  const required = context?.requiredApprovals ?? action.requiredApprovals ?? 1;
  const approvals = context?.approvals.length ?? 0;
  const selfRequested = principal.separationOfDuties && action.performedBy === principal.userId;
  const voted = context?.approvals.some((a) => a.actor === principal.userId) ?? false;
  const remaining = Math.max(0, required - approvals);
  const blocked = selfRequested ? SELF_REQUESTED : voted ? `You approved — ${waitingFor(remaining)}.` : undefined;
  return { approvals, required, selfRequested, voted, blocked, completesQuorum: approvals + 1 >= required };
}

/** `1 of 2 approvals` (the votes on the current context version). */
export function formatApprovalCount({ approvals, required }: Pick<ApprovalState, "approvals" | "required">): string {
  return `${approvals} of ${required} approval${required === 1 ? "" : "s"}`;
}

/** The approve call answered 409: the context the operator saw is out of date (docs/behaviour.md#approval-context). */
export function isContextConflict(error: unknown): boolean {
  return (error as { data?: { code?: unknown } } | null)?.data?.code === "CONFLICT";
}
