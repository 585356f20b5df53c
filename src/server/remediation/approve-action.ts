import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import * as actions from "@/server/db/stores/actions";
import { appendEvent } from "@/server/db/stores/events";
import { notFound } from "@/server/errors";
import { enqueueExecution, ensureExecuteQueue } from "@/server/execution/queue";
import { evaluatePolicy } from "@/server/policy/evaluate-policy";
import { globalPolicy } from "@/server/policy/global-policy";
import { loadPolicy } from "@/server/policy/load-policy";
import type { ActionRow } from "./schemas";

export type ApproveResult =
  | { status: "POLICY_VIOLATION"; violations: string[]; detail: string }
  | { status: ActionRow["status"] };

/**
 * POST /remediation/:id/approve (docs/behaviour.md#approve). Guardrails are re-evaluated with the
 * current policy (a type denied since the request counts as a violation too). Violations without
 * a reason (or with `override: false`, docs/adr/0005-approve-override-flag.md) → POLICY_VIOLATION
 * + APPROVAL_BLOCKED; with a reason → operator override. The transition is one conditional
 * UPDATE: of concurrent approvals exactly one wins and enqueues one job; the others answer the
 * status they find.
 */
export async function approveAction(
  {
    db,
    scope,
    principal,
    guardrails,
  }: { db: Db; scope: OrgScope; principal: Principal; guardrails?: GlobalPolicy | undefined },
  input: { id: string; reason?: string | undefined; override?: boolean | undefined },
  now: Date = new Date(),
): Promise<ApproveResult> {
  const organizationId = scope.organizationId;
  const action = await actions.findAction(db, organizationId, input.id);
  if (!action) throw notFound("Action");
  if (action.status !== "PENDING_APPROVAL") return { status: action.status };

  const { violations, detail } = evaluatePolicy(action, await loadPolicy(db, scope), guardrails ?? globalPolicy(), now);
  const reason = input.reason ?? null;

  if (violations.length > 0 && (reason === null || input.override === false)) {
    return transaction(db, async (tx) => {
      // Locks the row so the event is never written for an action another caller just decided.
      const current = await actions.findAction(tx, organizationId, action.id, true);
      if (!current) throw notFound("Action");
      if (current.status !== "PENDING_APPROVAL") return { status: current.status };
      await appendEvent(tx, organizationId, {
        actionId: action.id,
        type: "APPROVAL_BLOCKED",
        actor: principal.userId,
        data: { violations, detail },
      });
      return { status: "POLICY_VIOLATION" as const, violations, detail };
    });
  }

  const override = violations.length > 0;
  await ensureExecuteQueue();
  return transaction(db, async (tx) => {
    const moved = await actions.approvePendingAction(tx, organizationId, {
      id: action.id,
      approval: { actor: principal.userId, reason, override, violations, at: now.toISOString() },
      event: {
        type: override ? "OVERRIDDEN" : "APPROVED",
        actor: principal.userId,
        data: override ? { reason, violations, detail } : { reason },
      },
      now,
    });
    if (!moved) {
      const current = await actions.findAction(tx, organizationId, action.id);
      if (!current) throw notFound("Action");
      return { status: current.status };
    }
    await enqueueExecution(tx, { actionId: action.id, organizationId });
    return { status: "QUEUED" as const };
  });
}
