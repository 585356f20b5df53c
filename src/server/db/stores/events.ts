import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";
import { newId, newIdSql } from "../ids";

/**
 * The remediation_events store: the append-only audit trail of every action
 * (docs/data-model.md#remediation_events). Events are only ever inserted, in the transaction
 * (or the very statement) of the transition they record, sealed into the audit chain once
 * (stores/audit.ts), and deleted with their action by retention alone: triggers refuse anything
 * else (docs/audit.md#append-only).
 */

/**
 * A condition to AND into the WHERE of the one statement allowed to delete events (retention,
 * through its actions' delete trigger): it sets `rcc.audit_prune` for that statement's transaction
 * before any row is deleted (an InitPlan runs first), which the events' delete trigger requires.
 * The deleted sealed events leave (seq, hash) stubs (docs/audit.md#pruning).
 */
export const ALLOW_EVENT_PRUNING = Prisma.sql`(SELECT set_config('rcc.audit_prune', 'on', true)) = 'on'`;

export const SYSTEM_ACTOR = "system";

/**
 * An event's time is when it is written, not when its transaction began (the column default,
 * now()): a transition that waited for a row lock (concurrent votes) is then later than the one
 * it waited for, and events list and seal in the order they were decided.
 */
export const EVENT_TIME = Prisma.sql`clock_timestamp()`;

export type ActionEventType =
  | "REQUESTED"
  | "APPROVAL_BLOCKED"
  | "APPROVED"
  | "OVERRIDDEN"
  | "REJECTED"
  | "EXECUTION_STARTED"
  | "EXECUTION_RETRY"
  | "EXECUTION_SUCCEEDED"
  | "EXECUTION_FAILED"
  | "APPROVAL_RECORDED"
  | "EXPIRED"
  | "OVERRIDE_REVIEWED"
  | "OVERRIDE_REVIEW_OVERDUE"
  | "APPROVAL_REMINDER_SENT"
  | "APPROVAL_ESCALATED"
  | "TOKEN_CREATED"
  | "TOKEN_REVOKED"
  | "SIGNED_IN"
  | "SIGN_IN_REFUSED";

export interface EventRecord {
  id: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  createdAt: Date;
  /** Its place in the organization's audit chain; null until sealed (docs/audit.md#chain). */
  seq: number | null;
  hash: string | null;
}

/**
 * `INSERT INTO remediation_events … SELECT … FROM <moved>`: one event for every row of a CTE
 * named `moved` (with id and "organizationId"), so a transition and its event are one statement.
 * `data` may add fields computed from the moved row (`fromRow`, a jsonb expression).
 */
export function insertEventsForMovedRows(event: {
  type: ActionEventType;
  actor: string;
  data: Record<string, unknown>;
  fromRow?: Prisma.Sql;
}): Prisma.Sql {
  const data = event.fromRow
    ? Prisma.sql`${JSON.stringify(event.data)}::jsonb || ${event.fromRow}`
    : Prisma.sql`${JSON.stringify(event.data)}::jsonb`;
  return Prisma.sql`
    INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data, "createdAt")
    SELECT ${newIdSql()}, "organizationId", id, ${event.type}::"ActionEventType", ${event.actor}, ${data},
           ${EVENT_TIME}
    FROM moved`;
}

/**
 * Appends one event; call it in the transaction of the transition it records. `actionId: null`
 * records an organization event (sign-in, token), docs/audit.md#organization-events. `at` only
 * for history written after the fact (the demo's past, docs/behaviour.md#demo-data).
 */
export async function appendEvent(
  q: Queryable,
  organizationId: string,
  event: { actionId: string | null; type: ActionEventType; actor: string; data?: Record<string, unknown>; at?: Date },
): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data, "createdAt")
    VALUES (${newId(event.at)}::uuid, ${organizationId}, ${event.actionId}::uuid, ${event.type}::"ActionEventType",
            ${event.actor}, ${JSON.stringify(event.data ?? {})}::jsonb,
            ${event.at ? Prisma.sql`${event.at}::timestamptz` : EVENT_TIME})`,
  );
}

/**
 * One action's events, oldest first. Events of one transition burst can share a millisecond;
 * the enum's declaration order is the lifecycle order (REQUESTED … EXECUTION_FAILED), which
 * breaks such ties the right way (the enum column, not the text alias of the select list).
 */
export async function listEventsOfAction(
  q: Queryable,
  organizationId: string,
  actionId: string,
): Promise<EventRecord[]> {
  const rows = await queryRows<EventRecord>(
    q,
    Prisma.sql`
    SELECT id, type::text AS type, actor, data, "createdAt", seq::float8 AS seq, hash FROM remediation_events
    WHERE "organizationId" = ${organizationId} AND "actionId" = ${actionId}::uuid
    ORDER BY "createdAt", remediation_events.type, id`,
  );
  return rows.map((e) => ({ ...e, data: (e.data ?? {}) as Record<string, unknown> }));
}
