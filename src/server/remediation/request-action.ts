import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, type PgTx, queryRows, withPgTransaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { AppError, notFound } from "@/server/errors";
import { evaluatePolicy } from "@/server/policy/evaluate-policy";
import { globalPolicy } from "@/server/policy/global-policy";
import { type PolicyRow, policyFromRow } from "@/server/policy/load-policy";
import type { Policy } from "@/server/policy/policy-schema";
import { ACTION_COLUMNS, type RawActionRow, toAction } from "./action-row";
import { enqueueExecution, ensureExecuteQueue } from "./enqueue-execution";
import { findAction } from "./find-action";
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
  const policy = await incidentPolicy(db, scope, input.incidentId);
  if (!policy) throw notFound("Incident");
  await ensureExecuteQueue();

  const result = await withPgTransaction<RequestActionResult | { replayOf: string }>(db, async (tx) => {
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
        // Read after this (empty) transaction ends: the original committed with its key.
        return { replayOf: claim.actionId };
      }
    }

    const evaluation = evaluatePolicy(input, policy, globalPolicy(), now);
    // Throwing rolls the transaction back: a denied request stores nothing, not even its key.
    if (evaluation.outcome === "BLOCKED") {
      throw new AppError("POLICY_DENIED", evaluation.detail, { violations: evaluation.violations });
    }
    const { outcome, reasons, violations, matchedRules } = evaluation;
    // The job row references the action by id only and commits with it, so it goes first: the
    // action INSERT fires the counter trigger, whose counter-row lock (shared by every request and
    // transition of this organization + environment) is held until COMMIT, so it comes last.
    if (outcome === "QUEUED") await enqueueExecution(tx, { actionId, organizationId: scope.organizationId });
    const created = await insertRequestedAction(tx, scope, {
      id: actionId,
      input,
      status: outcome,
      performedBy: principal.userId,
      details: { policy: { outcome, reasons, violations, matchedRules } },
      event: { status: outcome, reasons, violations },
      now,
    });
    return { action: toAction(created), replayed: false };
  });
  if ("replayed" in result) return result;
  const original = await findAction(db, scope, result.replayOf);
  if (!original) throw new AppError("CONFLICT", "Idempotency-Key refers to an action that no longer exists");
  return { action: original, replayed: true };
}

/**
 * The organization's policy (the default when none is saved), or null when the incident is not
 * one of its own: both in one read, before the transaction (the policy was read in its own
 * snapshot inside it before, so this sees the same committed state).
 */
async function incidentPolicy(db: Db, scope: OrgScope, incidentId: string): Promise<Policy | null> {
  const [row] = await queryRows<{ saved: boolean } & PolicyRow>(
    db,
    Prisma.sql`
      SELECT p."organizationId" IS NOT NULL AS saved, p."requireApprovalEnvironments",
        p."requireApprovalSeverities", p."requireApprovalActionTypes", p."blockedEnvironments",
        p."deniedActionTypes", p."freezeWindows"
      FROM incidents i
      LEFT JOIN organization_policies p ON p."organizationId" = i."organizationId"
      WHERE i.id = ${incidentId}::uuid AND i."organizationId" = ${scope.organizationId}`,
  );
  if (!row) return null;
  return policyFromRow(row.saved ? row : null);
}

/**
 * The action row and its REQUESTED event in one statement (one round trip between taking the
 * counter-row lock and COMMIT). The event's foreign key is checked at the end of the statement,
 * when the action row exists. Its createdAt keeps the column default, as `appendEvent` does.
 */
async function insertRequestedAction(
  tx: PgTx,
  scope: OrgScope,
  row: {
    id: string;
    input: ActionRequest;
    status: "QUEUED" | "PENDING_APPROVAL";
    performedBy: string;
    details: Record<string, unknown>;
    event: Record<string, unknown>;
    now: Date;
  },
): Promise<RawActionRow> {
  const { input } = row;
  const rows = await queryRows<RawActionRow>(
    tx,
    Prisma.sql`
    WITH created AS (
      INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
        environment, severity, status, "performedBy", details, "createdAt", "updatedAt")
      VALUES (${row.id}::uuid, ${scope.organizationId}, ${input.incidentId}::uuid, ${input.actionType},
        ${JSON.stringify(input.parameters)}::jsonb, ${input.serviceName}, ${input.environment},
        ${input.severity}::"Severity", ${row.status}::"ActionStatus", ${row.performedBy},
        ${JSON.stringify(row.details)}::jsonb, ${row.now}::timestamptz, ${row.now}::timestamptz)
      RETURNING ${ACTION_COLUMNS}
    ), requested AS (
      INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data)
      SELECT ${randomUUID()}::uuid, "organizationId", id, 'REQUESTED'::"ActionEventType", ${row.performedBy},
        ${JSON.stringify(row.event)}::jsonb
      FROM created
    )
    SELECT * FROM created`,
  );
  const created = rows[0];
  if (!created) throw new AppError("INTERNAL", "the requested action was not stored");
  return created;
}
