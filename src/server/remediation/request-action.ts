import { randomUUID } from "node:crypto";
import type { Prisma } from "@/generated/prisma/client";
import type { Principal } from "@/server/auth/principal-types";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { AppError, notFound } from "@/server/errors";
import { evaluatePolicy } from "@/server/policy/evaluate-policy";
import { globalPolicy } from "@/server/policy/global-policy";
import { loadPolicy } from "@/server/policy/load-policy";
import { toAction } from "./action-row";
import { enqueueExecution, ensureExecuteQueue } from "./enqueue-execution";
import { appendEvent } from "./events";
import { findAction, TX_OPTIONS } from "./find-action";
import { claimIdempotencyKey, idempotencyKeyFrom, requestHash } from "./idempotency";
import type { ActionRequest, ActionRow } from "./schemas";

export interface RequestActionResult {
  action: ActionRow;
  /** True when an `Idempotency-Key` replay returned the original action (201 + Idempotent-Replayed). */
  replayed: boolean;
}

/**
 * POST /remediation/request (contract §6): validation (zod, before this) → incident visible (404)
 * → idempotency key (replay / 409) → denied type (422, nothing stored) → guardrails and approval
 * rules (PENDING_APPROVAL) → otherwise QUEUED with its job inserted in the same transaction.
 */
export async function requestAction(
  { db, scope, principal, headers }: { db: Db; scope: OrgScope; principal: Principal; headers?: Headers },
  input: ActionRequest,
  now: Date = new Date(),
): Promise<RequestActionResult> {
  const key = idempotencyKeyFrom(headers);
  const incident = await db.incident.findFirst({ where: scope.where({ id: input.incidentId }), select: { id: true } });
  if (!incident) throw notFound("Incident");
  await ensureExecuteQueue();

  return db.$transaction(async (tx) => {
    const actionId = randomUUID();
    if (key) {
      const hash = requestHash(input);
      const claim = await claimIdempotencyKey(tx, {
        organizationId: scope.organizationId,
        key,
        requestHash: hash,
        actionId,
        now,
      });
      if (!claim.claimed) {
        if (claim.requestHash !== hash) {
          throw new AppError("CONFLICT", "Idempotency-Key was already used with a different request body");
        }
        const original = await findAction(tx, scope, claim.actionId);
        if (!original) throw new AppError("CONFLICT", "Idempotency-Key refers to an action that no longer exists");
        return { action: original, replayed: true };
      }
    }

    const evaluation = evaluatePolicy(input, await loadPolicy(tx, scope), globalPolicy(), now);
    // Throwing rolls the transaction back: a denied request stores nothing, not even its key.
    if (evaluation.outcome === "BLOCKED") {
      throw new AppError("POLICY_DENIED", evaluation.detail, { violations: evaluation.violations });
    }
    const { outcome, reasons, violations, matchedRules } = evaluation;
    const created = await tx.remediationAction.create({
      data: scope.data({
        id: actionId,
        incidentId: input.incidentId,
        actionType: input.actionType,
        parameters: input.parameters as Prisma.InputJsonValue,
        serviceName: input.serviceName,
        environment: input.environment,
        severity: input.severity,
        status: outcome,
        performedBy: principal.userId,
        details: { policy: { outcome, reasons, violations, matchedRules } },
        createdAt: now,
        updatedAt: now,
      }),
    });
    await appendEvent(tx, {
      organizationId: scope.organizationId,
      actionId,
      type: "REQUESTED",
      actor: principal.userId,
      data: { status: outcome, reasons, violations },
    });
    if (outcome === "QUEUED") await enqueueExecution(tx, { actionId, organizationId: scope.organizationId });
    return { action: toAction(created), replayed: false };
  }, TX_OPTIONS);
}
