import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows, type Tx } from "../client";
import type { ApprovalNoticeKind } from "./actions";

/**
 * The approval_notifications and approval_notification_deliveries stores
 * (docs/data-model.md#approval_notifications): one row per reminder or escalation of an action,
 * whose primary key makes it happen once, and one delivery row per recipient, which carries that
 * recipient's email from PENDING to SENT (or FAILED after the last attempt, CANCELLED once the
 * action is decided).
 */

export interface NotificationKey {
  actionId: string;
  kind: ApprovalNoticeKind;
}

export interface DeliveryRecord extends NotificationKey {
  organizationId: string;
  recipient: string;
  attempts: number;
  /** When the notice was written: the email says how long the action had waited then. */
  notifiedAt: Date;
}

/**
 * Writes the notice and one PENDING delivery per recipient, unless the action already has a
 * notice of this kind; true when this call wrote it. Two workers racing: the second insert waits
 * for the first transaction and then does nothing, so the caller writes the event only once.
 */
export async function insertNotification(
  tx: Tx,
  organizationId: string,
  notice: NotificationKey & { recipients: string[]; at: Date },
): Promise<boolean> {
  const [row] = await queryRows<{ inserted: number }>(
    tx,
    Prisma.sql`
    WITH marked AS (
      INSERT INTO approval_notifications ("actionId", kind, "organizationId", recipients, "createdAt")
      VALUES (${notice.actionId}::uuid, ${notice.kind}::"ApprovalNotificationKind", ${organizationId},
              ${notice.recipients}::text[], ${notice.at}::timestamptz)
      ON CONFLICT ("actionId", kind) DO NOTHING
      RETURNING "actionId", kind, "organizationId"
    ), deliveries AS (
      INSERT INTO approval_notification_deliveries ("actionId", kind, recipient, "organizationId", "nextAttemptAt")
      SELECT m."actionId", m.kind, r.recipient, m."organizationId", ${notice.at}::timestamptz
      FROM marked m CROSS JOIN unnest(${notice.recipients}::text[]) AS r(recipient)
    )
    SELECT count(*)::int AS inserted FROM marked`,
  );
  return (row?.inserted ?? 0) > 0;
}

/**
 * Across organizations on purpose (the schedule delivers every organization's notices): takes up
 * to `batch` PENDING deliveries due by `now`, oldest first, counting the attempt and leasing them
 * for `leaseSeconds` (another worker takes a row only once its lease ran out: a worker that died
 * mid-send). Rows another worker is taking are skipped. A range of the partial pending index.
 */
export async function acrossOrganizationsClaimDueDeliveries(
  q: Queryable,
  now: Date,
  batch: number,
  leaseSeconds: number,
): Promise<DeliveryRecord[]> {
  return queryRows<DeliveryRecord>(
    q,
    Prisma.sql`
    WITH due AS (
      SELECT "actionId", kind, recipient FROM approval_notification_deliveries
      WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now}::timestamptz
      ORDER BY "nextAttemptAt" LIMIT ${batch}
      FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE approval_notification_deliveries d
      SET attempts = d.attempts + 1, "nextAttemptAt" = ${now}::timestamptz + make_interval(secs => ${leaseSeconds})
      FROM due WHERE (d."actionId", d.kind, d.recipient) = (due."actionId", due.kind, due.recipient)
      RETURNING d."actionId", d.kind, d.recipient, d."organizationId", d.attempts
    )
    SELECT c."actionId", c.kind::text AS kind, c.recipient, c."organizationId", c.attempts, n."createdAt" AS "notifiedAt"
    FROM claimed c JOIN approval_notifications n ON (n."actionId", n.kind) = (c."actionId", c.kind)
    ORDER BY n."createdAt", c."actionId", c.kind, c.recipient`,
  );
}

type DeliveryOutcome =
  | { status: "SENT"; at: Date }
  | { status: "PENDING"; error: string; retryAt: Date }
  | { status: "FAILED"; error: string }
  | { status: "CANCELLED"; error: string };

/** Records what became of one claimed delivery (only while it is still PENDING). */
export async function recordDelivery(
  q: Queryable,
  organizationId: string,
  key: NotificationKey & { recipient: string },
  outcome: DeliveryOutcome,
): Promise<void> {
  const set =
    outcome.status === "SENT"
      ? Prisma.sql`status = 'SENT', "sentAt" = ${outcome.at}::timestamptz, "lastError" = NULL`
      : outcome.status === "PENDING"
        ? Prisma.sql`"lastError" = ${outcome.error}, "nextAttemptAt" = ${outcome.retryAt}::timestamptz`
        : Prisma.sql`status = ${outcome.status}::"NotificationDeliveryStatus", "lastError" = ${outcome.error}`;
  await queryRows(
    q,
    Prisma.sql`
    UPDATE approval_notification_deliveries SET ${set}
    WHERE "organizationId" = ${organizationId} AND "actionId" = ${key.actionId}::uuid
      AND kind = ${key.kind}::"ApprovalNotificationKind" AND recipient = ${key.recipient} AND status = 'PENDING'`,
  );
}

export interface DeliveryState {
  kind: ApprovalNoticeKind;
  recipient: string;
  status: "PENDING" | "SENT" | "FAILED" | "CANCELLED";
  attempts: number;
  lastError: string | null;
  sentAt: Date | null;
}

/** The action's notice deliveries, reminder first, by recipient. */
export async function listDeliveriesOfAction(
  q: Queryable,
  organizationId: string,
  actionId: string,
): Promise<DeliveryState[]> {
  return queryRows<DeliveryState>(
    q,
    Prisma.sql`
    SELECT kind::text AS kind, recipient, status::text AS status, attempts, "lastError", "sentAt"
    FROM approval_notification_deliveries
    WHERE "organizationId" = ${organizationId} AND "actionId" = ${actionId}::uuid
    ORDER BY kind, recipient`,
  );
}
