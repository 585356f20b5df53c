import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows, type Tx } from "../../client";
import { newId } from "../../ids";
import { insertVoteSql } from "../approval-votes";
import { insertEventsForMovedRows } from "../events";
import { openReviewSql } from "../override-reviews";
import { ACTION_COLUMNS, type ActionRecord, actionByKey, type RawActionRow, toAction } from "./row";

/**
 * The request and decision writes of remediation_actions (docs/behaviour.md#request).
 * Each transition is one conditional UPDATE whose WHERE holds the whole rule, with its event in
 * the same statement: of concurrent deciders exactly one moves the row.
 */

/** The fields a caller chooses for a new action (the rest are the organization's or the database's). */
type ActionFields = Pick<
  ActionRecord,
  "id" | "incidentId" | "actionType" | "parameters" | "serviceName" | "environment" | "severity" | "performedBy"
>;

/** Fixed when the action is requested (docs/behaviour.md#quorum, docs/behaviour.md#expiry). */
type ApprovalTerms = Pick<ActionRecord, "requiredApprovals" | "expiresAt">;

export interface NewAction extends ActionFields, ApprovalTerms {
  /** The policy version that judged it (also in details.policy.version): what the replay groups by. */
  policyVersion: number;
  status: "QUEUED" | "PENDING_APPROVAL";
  details: Record<string, unknown>;
  /** The REQUESTED event's data. */
  event: Record<string, unknown>;
  now: Date;
}

/**
 * The action row and its REQUESTED event in one statement (one round trip between taking the
 * counter-row lock and COMMIT: the insert fires the counter trigger, whose row lock is shared by
 * every request of this organization + environment, so callers run it last in the transaction).
 */
export async function insertRequestedAction(tx: Tx, organizationId: string, row: NewAction): Promise<ActionRecord> {
  const [created] = await queryRows<RawActionRow>(
    tx,
    Prisma.sql`
    WITH created AS (
      INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
        environment, severity, status, "performedBy", details, "requiredApprovals", "expiresAt", "policyVersion",
        "createdAt", "updatedAt")
      VALUES (${row.id}::uuid, ${organizationId}, ${row.incidentId}::uuid, ${row.actionType},
        ${JSON.stringify(row.parameters)}::jsonb, ${row.serviceName}, ${row.environment},
        ${row.severity}::"Severity", ${row.status}::"ActionStatus", ${row.performedBy},
        ${JSON.stringify(row.details)}::jsonb, ${row.requiredApprovals}::int, ${row.expiresAt}::timestamptz,
        ${row.policyVersion}::int, ${row.now}::timestamptz, ${row.now}::timestamptz)
      RETURNING ${ACTION_COLUMNS}
    ), requested AS (
      INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data)
      SELECT ${newId()}::uuid, "organizationId", id, 'REQUESTED'::"ActionEventType", ${row.performedBy},
        ${JSON.stringify(row.event)}::jsonb
      FROM created
    )
    SELECT * FROM created`,
    { prepared: true },
  );
  if (!created) throw new Error("the requested action was not stored");
  return toAction(created);
}

/** One approver's vote as written (docs/behaviour.md#quorum). */
export interface Vote {
  actor: string;
  contextVersion: string;
  reason: string | null;
}

/**
 * The vote that reaches the quorum: the vote, PENDING_APPROVAL → QUEUED with `details.approval`,
 * and its APPROVED/OVERRIDDEN event, in one statement. An override also opens its review there
 * (`details.overrideReview` and the override_reviews row, docs/behaviour.md#override-review).
 * False when the action was not pending (someone else decided first, or it does not exist): then
 * nothing is written.
 */
export async function approvePendingAction(
  q: Queryable,
  organizationId: string,
  input: {
    id: string;
    vote: Vote;
    approval: Record<string, unknown>;
    event: { type: "APPROVED" | "OVERRIDDEN"; actor: string; data: Record<string, unknown> };
    /** An override's review: due at `dueAt`. */
    overrideReview?: { dueAt: Date } | undefined;
    now: Date;
  },
): Promise<boolean> {
  const review = input.overrideReview;
  const decided: Record<string, unknown> = { approval: input.approval };
  if (review) decided.overrideReview = { status: "PENDING", dueAt: review.dueAt.toISOString() };
  const opened = review
    ? Prisma.sql`, reviewed AS (${openReviewSql({ overriddenBy: input.event.actor, overriddenAt: input.now, dueAt: review.dueAt })})`
    : Prisma.empty;
  const rows = await queryRows<unknown>(
    q,
    Prisma.sql`
    WITH moved AS (
      UPDATE remediation_actions
      SET status = 'QUEUED',
          details = details || ${JSON.stringify(decided)}::jsonb,
          "updatedAt" = ${input.now}::timestamptz
      WHERE ${actionByKey(organizationId, input.id)} AND status = 'PENDING_APPROVAL'
      RETURNING id, "organizationId"
    ), voted AS (
      ${insertVoteSql({ organizationId, actionId: input.id, ...input.vote }, true)}
    ), logged AS (${insertEventsForMovedRows(input.event)})${opened}
    SELECT 1 FROM moved`,
  );
  return rows.length > 0;
}

/**
 * A vote that does not reach the quorum, with its APPROVAL_RECORDED event, in one statement.
 * False when this principal already voted on this version (nothing written). Call it holding the
 * action's row lock, having checked that it is pending.
 */
export async function recordVote(
  tx: Tx,
  organizationId: string,
  input: { id: string; vote: Vote; eventData: Record<string, unknown>; now: Date },
): Promise<boolean> {
  const rows = await queryRows<unknown>(
    tx,
    Prisma.sql`
    WITH moved AS (${insertVoteSql({ organizationId, actionId: input.id, ...input.vote })}),
    logged AS (${insertEventsForMovedRows({ type: "APPROVAL_RECORDED", actor: input.vote.actor, data: input.eventData })})
    SELECT 1 FROM moved`,
  );
  return rows.length > 0;
}

/**
 * PENDING_APPROVAL → REJECTED; `details.rejection.priorPolicy` keeps the policy decision recorded
 * at request time. Its REJECTED event in the same statement. The action's request time when it
 * moved; null when not pending, or past its expiry (an expired action is expired, not rejected:
 * docs/behaviour.md#expiry).
 */
export async function rejectPendingAction(
  q: Queryable,
  organizationId: string,
  input: { id: string; actor: string; reason: string | null; now: Date },
): Promise<Date | null> {
  const rows = await queryRows<{ createdAt: Date }>(
    q,
    Prisma.sql`
    WITH moved AS (
      UPDATE remediation_actions
      SET status = 'REJECTED',
          details = details || jsonb_build_object('rejection', jsonb_build_object(
            'actor', ${input.actor}::text,
            'reason', ${input.reason}::text,
            'at', ${input.now.toISOString()}::text,
            'priorPolicy', COALESCE(details -> 'policy', 'null'::jsonb))),
          "updatedAt" = ${input.now}::timestamptz
      WHERE ${actionByKey(organizationId, input.id)} AND status = 'PENDING_APPROVAL'
        AND ("expiresAt" IS NULL OR "expiresAt" > ${input.now}::timestamptz)
      RETURNING id, "organizationId", "createdAt"
    ), logged AS (${insertEventsForMovedRows({ type: "REJECTED", actor: input.actor, data: { reason: input.reason } })})
    SELECT "createdAt" FROM moved`,
  );
  return rows[0]?.createdAt ?? null;
}

/** An action row in any state, for data loads (demo data, test factories): no event, no policy. */
export interface ActionLoad
  extends ActionFields,
    Partial<ApprovalTerms>,
    Partial<Pick<ActionRecord, "details" | "error" | "createdAt" | "updatedAt">> {
  status: ActionRecord["status"];
  attempts?: number;
  lostAttempts?: number;
  /** The policy version that judged it (null: made before versions existed). */
  policyVersion?: number | null;
}

/** Inserts `rows` into the organization in one statement (the counter trigger counts them). */
export async function insertActions(q: Queryable, organizationId: string, rows: ActionLoad[]): Promise<void> {
  if (rows.length === 0) return;
  const now = new Date().toISOString();
  const records = rows.map((r) => ({
    ...r,
    attempts: r.attempts ?? 0,
    lostAttempts: r.lostAttempts ?? 0,
    details: r.details ?? {},
    error: r.error ?? null,
    requiredApprovals: r.requiredApprovals ?? 1,
    policyVersion: r.policyVersion ?? null,
    expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
    createdAt: (r.createdAt ?? new Date(now)).toISOString(),
    updatedAt: (r.updatedAt ?? r.createdAt ?? new Date(now)).toISOString(),
  }));
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
      environment, severity, status, attempts, "lostAttempts", "performedBy", details, error, "requiredApprovals",
      "expiresAt", "policyVersion", "createdAt", "updatedAt")
    SELECT r.id, ${organizationId}, r."incidentId", r."actionType", r.parameters, r."serviceName", r.environment,
      r.severity::"Severity", r.status::"ActionStatus", r.attempts, r."lostAttempts", r."performedBy", r.details, r.error,
      r."requiredApprovals", r."expiresAt", r."policyVersion", r."createdAt", r."updatedAt"
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(id uuid, "incidentId" uuid, "actionType" text,
      parameters jsonb, "serviceName" text, environment text, severity text, status text, attempts int,
      "lostAttempts" int, "performedBy" text, details jsonb, error text, "requiredApprovals" int,
      "expiresAt" timestamptz, "policyVersion" int, "createdAt" timestamptz, "updatedAt" timestamptz)`,
  );
}
