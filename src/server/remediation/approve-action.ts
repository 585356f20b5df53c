import type { Principal } from "@/server/auth/principal-types";
import type { Db, Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { notFound } from "@/server/errors";
import { evaluatePolicy } from "@/server/policy/evaluate-policy";
import { globalPolicy } from "@/server/policy/global-policy";
import { loadPolicy } from "@/server/policy/load-policy";
import { enqueueExecution, ensureExecuteQueue } from "./enqueue-execution";
import { appendEvent } from "./events";
import { findAction, TX_OPTIONS } from "./find-action";
import type { ActionRow } from "./schemas";

export type ApproveResult =
  | { status: "POLICY_VIOLATION"; violations: string[]; detail: string }
  | { status: ActionRow["status"] };

/**
 * POST /remediation/:id/approve (contract §6). Guardrails are re-evaluated with the current
 * policy (a type denied since the request counts as a violation too). Violations without a
 * reason (or with `override: false`) → POLICY_VIOLATION + APPROVAL_BLOCKED; with a reason →
 * operator override. The transition is one conditional UPDATE: of concurrent approvals exactly
 * one wins and enqueues one job; the others answer the status they find.
 */
export async function approveAction(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: { id: string; reason?: string | undefined; override?: boolean | undefined },
  now: Date = new Date(),
): Promise<ApproveResult> {
  const action = await findAction(db, scope, input.id);
  if (!action) throw notFound("Action");
  if (action.status !== "PENDING_APPROVAL") return { status: action.status };

  const evaluation = evaluatePolicy(action, await loadPolicy(db, scope), globalPolicy(), now);
  const { violations, detail } = evaluation;
  const reason = input.reason ?? null;

  if (violations.length > 0 && (reason === null || input.override === false)) {
    return db.$transaction(async (tx) => {
      // Locks the row so the event is never written for an action another caller just decided.
      const current = await findAction(tx, scope, action.id, true);
      if (!current) throw notFound("Action");
      if (current.status !== "PENDING_APPROVAL") return { status: current.status };
      await appendEvent(tx, {
        organizationId: scope.organizationId,
        actionId: action.id,
        type: "APPROVAL_BLOCKED",
        actor: principal.userId,
        data: { violations, detail },
      });
      return { status: "POLICY_VIOLATION" as const, violations, detail };
    }, TX_OPTIONS);
  }

  const override = violations.length > 0;
  const approval = { actor: principal.userId, reason, override, violations, at: now.toISOString() };
  await ensureExecuteQueue();
  return db.$transaction(async (tx) => {
    if (!(await transitionToQueued(tx, scope, action.id, approval, now))) {
      const current = await findAction(tx, scope, action.id);
      if (!current) throw notFound("Action");
      return { status: current.status };
    }
    await appendEvent(tx, {
      organizationId: scope.organizationId,
      actionId: action.id,
      type: override ? "OVERRIDDEN" : "APPROVED",
      actor: principal.userId,
      data: override ? { reason, violations, detail } : { reason },
    });
    await enqueueExecution(tx, { actionId: action.id, organizationId: scope.organizationId });
    return { status: "QUEUED" as const };
  }, TX_OPTIONS);
}

/** Conditional update: exactly one approver moves PENDING_APPROVAL → QUEUED. */
async function transitionToQueued(
  tx: Tx,
  scope: OrgScope,
  id: string,
  approval: Record<string, unknown>,
  now: Date,
): Promise<boolean> {
  const rows = await tx.$queryRaw<unknown[]>`
    UPDATE remediation_actions
    SET status = 'QUEUED',
        details = details || jsonb_build_object('approval', ${JSON.stringify(approval)}::jsonb),
        "updatedAt" = ${now}::timestamptz
    WHERE id = ${id}::uuid AND "organizationId" = ${scope.organizationId} AND status = 'PENDING_APPROVAL'
    RETURNING 1`;
  return rows.length > 0;
}
