import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows, type Tx } from "../../client";
import { ACTION_COLUMNS, type ActionRecord, actionByKey, type RawActionRow, toAction } from "./row";

/**
 * Approval reminders and escalations (docs/behaviour.md#approval-reminders): which pending actions
 * have waited long enough under their organization's current policy, and the row a notice is
 * written for.
 */

export type ApprovalNoticeKind = "REMINDER" | "ESCALATION";

/** The policy column that says after how many minutes a notice of this kind is due. */
const MINUTES_COLUMN: Record<ApprovalNoticeKind, Prisma.Sql> = {
  REMINDER: Prisma.raw(`p."approvalReminderMinutes"`),
  ESCALATION: Prisma.raw(`p."approvalEscalationMinutes"`),
};

/**
 * Across organizations on purpose (the notice schedule serves every organization): up to `batch`
 * PENDING_APPROVAL actions that have waited the minutes their organization's policy sets for
 * `kind` and have no such notice yet. Only organizations with the setting are visited (one row
 * each in organization_policies); per organization it is a range of the
 * (organizationId, status, createdAt) index ending at the cutoff, so terminal actions are never
 * read, whatever their number.
 */
export function actionsDueForNoticeQuery(kind: ApprovalNoticeKind, now: Date, batch: number): Prisma.Sql {
  const minutes = MINUTES_COLUMN[kind];
  return Prisma.sql`
    SELECT a."organizationId", a.id
    FROM organization_policies p
    CROSS JOIN LATERAL (
      SELECT a."organizationId", a.id FROM remediation_actions a
      WHERE a."organizationId" = p."organizationId" AND a.status = 'PENDING_APPROVAL'
        AND a."createdAt" <= ${now}::timestamptz - make_interval(mins => ${minutes})
        AND NOT EXISTS (
          SELECT 1 FROM approval_notifications n WHERE n."actionId" = a.id AND n.kind = ${kind}::"ApprovalNotificationKind")
      ORDER BY a."createdAt" DESC, a.id DESC
      LIMIT ${batch}
    ) a
    WHERE ${minutes} IS NOT NULL
    LIMIT ${batch}`;
}

/** The due actions of actionsDueForNoticeQuery. */
export async function acrossOrganizationsActionsDueForNotice(
  q: Queryable,
  kind: ApprovalNoticeKind,
  now: Date,
  batch: number,
): Promise<{ organizationId: string; id: string }[]> {
  return queryRows(q, actionsDueForNoticeQuery(kind, now, batch));
}

/**
 * The action while it is still PENDING_APPROVAL, share-locked until the transaction ends so no
 * decision commits while its notice is written; undefined when it is decided, unknown, or a
 * decision holds its row right now (the next sweep looks again).
 */
export async function lockPendingActionForNotice(
  tx: Tx,
  organizationId: string,
  id: string,
): Promise<ActionRecord | undefined> {
  const [row] = await queryRows<RawActionRow>(
    tx,
    Prisma.sql`
      SELECT ${ACTION_COLUMNS} FROM remediation_actions
      WHERE ${actionByKey(organizationId, id)} AND status = 'PENDING_APPROVAL'
      FOR SHARE SKIP LOCKED`,
  );
  return row ? toAction(row) : undefined;
}
