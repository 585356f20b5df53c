import { randomUUID } from "node:crypto";
import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/**
 * The remediation_events store: the append-only audit trail of every action
 * (docs/data-model.md#remediation_events). Events are only ever inserted, in the transaction
 * (or the very statement) of the transition they record, and deleted with their action.
 */

export const SYSTEM_ACTOR = "system";

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
  | "EXPIRED";

export interface EventRecord {
  id: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  createdAt: Date;
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
    INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data)
    SELECT gen_random_uuid(), "organizationId", id, ${event.type}::"ActionEventType", ${event.actor}, ${data}
    FROM moved`;
}

/** Appends one event; call it in the transaction of the transition it records. */
export async function appendEvent(
  q: Queryable,
  organizationId: string,
  event: { actionId: string; type: ActionEventType; actor: string; data?: Record<string, unknown> },
): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data)
    VALUES (${randomUUID()}::uuid, ${organizationId}, ${event.actionId}::uuid, ${event.type}::"ActionEventType",
            ${event.actor}, ${JSON.stringify(event.data ?? {})}::jsonb)`,
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
    SELECT id, type::text AS type, actor, data, "createdAt" FROM remediation_events
    WHERE "organizationId" = ${organizationId} AND "actionId" = ${actionId}::uuid
    ORDER BY "createdAt", remediation_events.type, id`,
  );
  return rows.map((e) => ({ ...e, data: (e.data ?? {}) as Record<string, unknown> }));
}
