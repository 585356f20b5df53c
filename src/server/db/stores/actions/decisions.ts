import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows, type Tx } from "../../client";
import { insertEventsForMovedRows } from "../events";
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

export interface NewAction extends ActionFields {
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
 * The event's foreign key is checked at the end of the statement, when the action row exists.
 */
export async function insertRequestedAction(tx: Tx, organizationId: string, row: NewAction): Promise<ActionRecord> {
  const [created] = await queryRows<RawActionRow>(
    tx,
    Prisma.sql`
    WITH created AS (
      INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
        environment, severity, status, "performedBy", details, "createdAt", "updatedAt")
      VALUES (${row.id}::uuid, ${organizationId}, ${row.incidentId}::uuid, ${row.actionType},
        ${JSON.stringify(row.parameters)}::jsonb, ${row.serviceName}, ${row.environment},
        ${row.severity}::"Severity", ${row.status}::"ActionStatus", ${row.performedBy},
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
  if (!created) throw new Error("the requested action was not stored");
  return toAction(created);
}

/**
 * PENDING_APPROVAL → QUEUED with `details.approval`, and its APPROVED/OVERRIDDEN event. False when
 * the action was not pending (someone else decided first, or it does not exist).
 */
export async function approvePendingAction(
  q: Queryable,
  organizationId: string,
  input: {
    id: string;
    approval: Record<string, unknown>;
    event: { type: "APPROVED" | "OVERRIDDEN"; actor: string; data: Record<string, unknown> };
    now: Date;
  },
): Promise<boolean> {
  const rows = await queryRows<unknown>(
    q,
    Prisma.sql`
    WITH moved AS (
      UPDATE remediation_actions
      SET status = 'QUEUED',
          details = details || jsonb_build_object('approval', ${JSON.stringify(input.approval)}::jsonb),
          "updatedAt" = ${input.now}::timestamptz
      WHERE ${actionByKey(organizationId, input.id)} AND status = 'PENDING_APPROVAL'
      RETURNING id, "organizationId"
    ), logged AS (${insertEventsForMovedRows(input.event)})
    SELECT 1 FROM moved`,
  );
  return rows.length > 0;
}

/**
 * PENDING_APPROVAL → REJECTED; `details.rejection.priorPolicy` keeps the policy decision recorded
 * at request time. Its REJECTED event in the same statement. False when not pending.
 */
export async function rejectPendingAction(
  q: Queryable,
  organizationId: string,
  input: { id: string; actor: string; reason: string | null; now: Date },
): Promise<boolean> {
  const rows = await queryRows<unknown>(
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
      RETURNING id, "organizationId"
    ), logged AS (${insertEventsForMovedRows({ type: "REJECTED", actor: input.actor, data: { reason: input.reason } })})
    SELECT 1 FROM moved`,
  );
  return rows.length > 0;
}

/** An action row in any state, for data loads (demo data, test factories): no event, no policy. */
export interface ActionLoad
  extends ActionFields,
    Partial<Pick<ActionRecord, "details" | "error" | "createdAt" | "updatedAt">> {
  status: ActionRecord["status"];
  attempts?: number;
  lostAttempts?: number;
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
    createdAt: (r.createdAt ?? new Date(now)).toISOString(),
    updatedAt: (r.updatedAt ?? r.createdAt ?? new Date(now)).toISOString(),
  }));
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
      environment, severity, status, attempts, "lostAttempts", "performedBy", details, error, "createdAt", "updatedAt")
    SELECT r.id, ${organizationId}, r."incidentId", r."actionType", r.parameters, r."serviceName", r.environment,
      r.severity::"Severity", r.status::"ActionStatus", r.attempts, r."lostAttempts", r."performedBy", r.details, r.error,
      r."createdAt", r."updatedAt"
    FROM jsonb_to_recordset(${JSON.stringify(records)}::jsonb) AS r(id uuid, "incidentId" uuid, "actionType" text,
      parameters jsonb, "serviceName" text, environment text, severity text, status text, attempts int,
      "lostAttempts" int, "performedBy" text, details jsonb, error text, "createdAt" timestamptz, "updatedAt" timestamptz)`,
  );
}
