import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import * as actions from "@/server/db/stores/actions";
import { listVotes } from "@/server/db/stores/approval-votes";
import { appendEvent } from "@/server/db/stores/events";
import { AppError, notFound } from "@/server/errors";
import { enqueueExecution, ensureExecuteQueue } from "@/server/execution/queue";
import { type DecisionKind, observeDecision } from "@/server/metrics/registry";
import { globalPolicy } from "@/server/policy/global-policy";
import { judgeApprovalContext } from "./approval-context";
import type { ActionRow } from "./schemas";

export type ApproveResult =
  | { status: "POLICY_VIOLATION"; violations: string[]; detail: string }
  | { status: ActionRow["status"]; approvals?: number; requiredApprovals?: number };

const SEPARATION_OF_DUTIES_MESSAGE = "Separation of duties: the requester of an action cannot approve it.";
const HOUR_MS = 3_600_000;
const STALE_CONTEXT_MESSAGE = "The approval context changed since it was shown; review the action again.";

/**
 * POST /remediation/:id/approve (docs/behaviour.md#approve, docs/behaviour.md#quorum): one vote.
 * The action's row lock is taken first, so the votes of one action are decided one at a time
 * (N approvers at once on a quorum-q action: exactly q votes, one transition, one job); then,
 * in this order: expiry → not pending (current status) → separation of duties (403) → stale
 * `contextVersion` (409) → this principal already voted on this version (current state) →
 * guardrails re-evaluated with the current policy (violations without a reason, or with
 * `override: false` as in docs/adr/0005-approve-override-flag.md → POLICY_VIOLATION +
 * APPROVAL_BLOCKED) → the vote: APPROVAL_RECORDED, or the transition to QUEUED
 * (APPROVED/OVERRIDDEN, the execution job) when it reaches the quorum.
 */
export async function approveAction(
  {
    db,
    scope,
    principal,
    guardrails,
  }: { db: Db; scope: OrgScope; principal: Principal; guardrails?: GlobalPolicy | undefined },
  input: {
    id: string;
    reason?: string | undefined;
    override?: boolean | undefined;
    contextVersion?: string | undefined;
  },
  now: Date = new Date(),
): Promise<ApproveResult> {
  const organizationId = scope.organizationId;
  const actor = principal.userId;
  await ensureExecuteQueue();
  // What this vote decided, counted once the transaction committed (docs/behaviour.md#prometheus-metrics).
  let decided: { kind: DecisionKind; seconds: number } | undefined;
  const outcome = await transaction(db, async (tx): Promise<ApproveResult | AppError> => {
    const action = await actions.findActionWithBasis(tx, organizationId, input.id, true);
    if (!action?.approvalBasis) return notFound("Action");
    if (action.status === "PENDING_APPROVAL" && action.expiresAt && action.expiresAt <= now) {
      const expired = await actions.expireAction(tx, organizationId, action.id, now);
      if (expired) decided = { kind: "expired", seconds: expired.seconds };
      return { status: "REJECTED" };
    }
    if (action.status !== "PENDING_APPROVAL") return { status: action.status };

    // A one-approval action never has a stored vote while pending (its first vote queues it):
    // the votes' round trip is only for quorums.
    const stored = action.requiredApprovals > 1 ? await listVotes(tx, organizationId, action.id) : [];
    const basis = { ...action.approvalBasis, votes: stored };
    const judged = judgeApprovalContext(action, basis, guardrails ?? globalPolicy(), now);
    const { context, detail } = judged;
    // Errors are returned, not thrown: the transaction commits (nothing was written) and the
    // error is raised after it.
    if (judged.policy.separationOfDuties && action.performedBy === actor) {
      return new AppError("FORBIDDEN", SEPARATION_OF_DUTIES_MESSAGE);
    }
    if (input.contextVersion !== undefined && input.contextVersion !== context.version) {
      return new AppError("CONFLICT", STALE_CONTEXT_MESSAGE);
    }
    const counts = { approvals: judged.votes.length, requiredApprovals: action.requiredApprovals };
    if (judged.votes.some((v) => v.actor === actor)) return { status: action.status, ...counts };

    const { violations } = context;
    const reason = input.reason ?? null;
    if (violations.length > 0 && (reason === null || input.override === false)) {
      await appendEvent(tx, organizationId, {
        actionId: action.id,
        type: "APPROVAL_BLOCKED",
        actor,
        data: { violations, detail },
      });
      return { status: "POLICY_VIOLATION", violations, detail };
    }

    const vote = { actor, contextVersion: context.version, reason };
    const approvals = counts.approvals + 1;
    if (approvals < action.requiredApprovals) {
      await actions.recordVote(tx, organizationId, {
        id: action.id,
        vote,
        eventData: { reason, approvals, requiredApprovals: action.requiredApprovals },
        now,
      });
      return { status: "PENDING_APPROVAL", approvals, requiredApprovals: action.requiredApprovals };
    }

    // The job first, the transition last: its UPDATE takes the counter-row lock shared by every
    // transition of this organization + environment, held until COMMIT (as in request-action).
    await enqueueExecution(tx, { actionId: action.id, organizationId });
    const override = violations.length > 0;
    const votes = [...context.approvals, { actor, reason, at: now.toISOString() }];
    const moved = await actions.approvePendingAction(tx, organizationId, {
      id: action.id,
      vote,
      approval: { actor, reason, override, violations, at: now.toISOString(), votes },
      event: {
        type: override ? "OVERRIDDEN" : "APPROVED",
        actor,
        data: override ? { reason, violations, detail, approvals } : { reason, approvals },
      },
      // Break-glass needs a second person: the override opens its review (docs/behaviour.md#override-review).
      overrideReview: override
        ? { dueAt: new Date(now.getTime() + judged.policy.overrideReviewHours * HOUR_MS) }
        : undefined,
      now,
    });
    // Holding the row lock on a pending action, the conditional update cannot miss.
    if (!moved) throw new Error(`approval of pending action ${action.id} moved no row`);
    decided = {
      kind: override ? "overridden" : "approved",
      seconds: (now.getTime() - action.createdAt.getTime()) / 1000,
    };
    return { status: "QUEUED", approvals, requiredApprovals: action.requiredApprovals };
  });
  if (decided) observeDecision(organizationId, decided.kind, decided.seconds);
  if (outcome instanceof AppError) throw outcome;
  return outcome;
}
