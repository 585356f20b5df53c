import type { ActionRequest } from "@/lib/action-request";
import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, transaction } from "@/server/db/client";
import { newId } from "@/server/db/ids";
import type { OrgScope } from "@/server/db/scoped";
import * as actions from "@/server/db/stores/actions";
import { findPolicyForIncident } from "@/server/db/stores/policies";
import { AppError, notFound } from "@/server/errors";
import { enqueueExecution, ensureExecuteQueue } from "@/server/execution/queue";
import { evaluatePolicy, pendingExpiry, requiredApprovals } from "@/server/policy/evaluate-policy";
import { globalPolicy } from "@/server/policy/global-policy";
import { policyFromRow } from "@/server/policy/load-policy";
import { claimKey, idempotencyKeyFrom, requestHash } from "./idempotency";
import type { ActionRow } from "./schemas";

export interface RequestActionResult {
  action: ActionRow;
  /** True when an `Idempotency-Key` replay returned the original action (201 + Idempotent-Replayed). */
  replayed: boolean;
}

/**
 * POST /remediation/request (docs/behaviour.md#request): validation (zod, before this) →
 * incident visible (404) → idempotency key (replay / 409) → denied type (422, nothing stored) →
 * guardrails and approval rules (PENDING_APPROVAL, with its required approvals and expiry fixed
 * from the policy now) → otherwise QUEUED with its job inserted in the same transaction.
 */
export async function requestAction(
  {
    db,
    scope,
    principal,
    headers,
    guardrails,
  }: { db: Db; scope: OrgScope; principal: Principal; headers?: Headers; guardrails?: GlobalPolicy | undefined },
  input: ActionRequest,
  now: Date = new Date(),
): Promise<RequestActionResult> {
  const organizationId = scope.organizationId;
  const key = idempotencyKeyFrom(headers);
  await ensureExecuteQueue();

  const result = await transaction<RequestActionResult | { replayOf: string }>(db, async (tx) => {
    // The incident's visibility and the policy in one read, the transaction's first statement
    // (not one of its own: one commit less per request, bench P5). It takes no lock.
    const found = await findPolicyForIncident(tx, organizationId, input.incidentId);
    if (!found) throw notFound("Incident");
    const policy = policyFromRow(found.saved);
    const actionId = newId();
    if (key) {
      const hash = requestHash(input);
      const claim = await claimKey(tx, organizationId, { key, requestHash: hash, actionId, now });
      if (!claim.claimed) {
        if (claim.requestHash !== hash) {
          throw new AppError("CONFLICT", "Idempotency-Key was already used with a different request body");
        }
        // Read after this (empty) transaction ends: the original committed with its key.
        return { replayOf: claim.actionId };
      }
    }

    const evaluation = evaluatePolicy(input, policy, guardrails ?? globalPolicy(), now);
    // Throwing rolls the transaction back: a denied request stores nothing, not even its key.
    if (evaluation.outcome === "BLOCKED") {
      throw new AppError("POLICY_DENIED", evaluation.detail, { violations: evaluation.violations });
    }
    const { outcome, reasons, violations, matchedRules } = evaluation;
    // The job row references the action by id only and commits with it, so it goes first: the
    // action INSERT fires the counter trigger, whose counter-row lock (shared by every request and
    // transition of this organization + environment) is held until COMMIT, so it comes last.
    if (outcome === "QUEUED") await enqueueExecution(tx, { actionId, organizationId });
    const action = await actions.insertRequestedAction(tx, organizationId, {
      id: actionId,
      incidentId: input.incidentId,
      actionType: input.actionType,
      parameters: input.parameters,
      serviceName: input.serviceName,
      environment: input.environment,
      severity: input.severity,
      status: outcome,
      performedBy: principal.userId,
      // Fixed now: a later policy change does not move this action's quorum or deadline.
      requiredApprovals: requiredApprovals(input, policy),
      expiresAt: outcome === "PENDING_APPROVAL" ? pendingExpiry(policy, now) : null,
      policyVersion: policy.version,
      details: { policy: { outcome, reasons, violations, matchedRules, version: policy.version } },
      event: { status: outcome, reasons, violations },
      now,
    });
    return { action, replayed: false };
  });
  if ("replayed" in result) return result;
  const original = await actions.findAction(db, organizationId, result.replayOf);
  if (!original) throw new AppError("CONFLICT", "Idempotency-Key refers to an action that no longer exists");
  return { action: original, replayed: true };
}
