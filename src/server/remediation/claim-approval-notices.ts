import { hasPermission, type Permission, ROLE_PERMISSIONS, ROLES } from "@/lib/permissions";
import type { Policy } from "@/lib/policy-schema";
import { type Db, type Tx, transaction } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import {
  type ActionRecord,
  type ApprovalNoticeKind,
  acrossOrganizationsActionsDueForNotice,
  lockPendingActionForNotice,
} from "@/server/db/stores/actions";
import { insertNotification } from "@/server/db/stores/approval-notifications";
import { appendEvent, SYSTEM_ACTOR } from "@/server/db/stores/events";
import { listMembersWithRoles } from "@/server/db/stores/memberships";
import { findUserContact } from "@/server/db/stores/users";
import { loadPolicy } from "@/server/policy/load-policy";

const BATCH = 200;

const APPROVAL_NOTICE_KINDS: readonly ApprovalNoticeKind[] = ["REMINDER", "ESCALATION"];

/** Who gets each notice (docs/behaviour.md#approval-reminders): members holding this permission. */
const RECIPIENT_PERMISSION: Record<ApprovalNoticeKind, Permission> = {
  REMINDER: "remediation:approve",
  ESCALATION: "policy:update",
};

const EVENT_TYPE = { REMINDER: "APPROVAL_REMINDER_SENT", ESCALATION: "APPROVAL_ESCALATED" } as const;

function minutesFor(policy: Policy, kind: ApprovalNoticeKind): number | null {
  return kind === "REMINDER" ? policy.approvalReminderMinutes : policy.approvalEscalationMinutes;
}

/**
 * The notice's recipients, lower-cased, de-duplicated and sorted: the members whose role holds the
 * kind's permission, plus approvalNotifyEmails for a reminder; never the requester (by account,
 * and by the account's email when it is also on the notify list).
 */
async function recipientsOf(tx: Tx, action: ActionRecord, kind: ApprovalNoticeKind, policy: Policy): Promise<string[]> {
  const roles = ROLES.filter((role) => hasPermission(ROLE_PERMISSIONS[role], RECIPIENT_PERMISSION[kind]));
  const [members, requester] = await Promise.all([
    listMembersWithRoles(tx, action.organizationId, roles),
    findUserContact(tx, action.performedBy),
  ]);
  const emails = [
    ...members.filter((m) => m.userId !== action.performedBy).map((m) => m.email.toLowerCase()),
    ...(kind === "REMINDER" ? policy.approvalNotifyEmails : []),
  ];
  const requesterEmail = requester?.email.toLowerCase();
  return [...new Set(emails)].filter((email) => email !== requesterEmail).sort();
}

/**
 * Writes one notice for the action if it is still pending and, under its organization's policy as
 * it is now, due: the marker row with its deliveries and the event, in one transaction. The
 * marker's primary key makes this happen once per action and kind, however many workers try;
 * the share lock on the action means a decision commits either before (no notice) or after.
 */
async function claimNotice(db: Db, due: { organizationId: string; id: string }, kind: ApprovalNoticeKind, now: Date) {
  return transaction(db, async (tx) => {
    const action = await lockPendingActionForNotice(tx, due.organizationId, due.id);
    if (!action) return false;
    const policy = await loadPolicy(tx, orgScope(due.organizationId));
    const minutes = minutesFor(policy, kind);
    if (minutes === null || action.createdAt.getTime() > now.getTime() - minutes * 60_000) return false;
    const recipients = await recipientsOf(tx, action, kind, policy);
    if (!(await insertNotification(tx, due.organizationId, { actionId: action.id, kind, recipients, at: now }))) {
      return false;
    }
    await appendEvent(tx, due.organizationId, {
      actionId: action.id,
      type: EVENT_TYPE[kind],
      actor: SYSTEM_ACTOR,
      data: { recipients, afterMinutes: minutes },
    });
    return true;
  });
}

/**
 * Deliberately across organizations: writes the reminders and escalations now due for every
 * organization (docs/behaviour.md#approval-reminders); the number written. The emails go out in
 * the delivery pass that follows.
 */
export async function acrossOrganizationsClaimDueNotices(db: Db, now: Date): Promise<number> {
  let written = 0;
  for (const kind of APPROVAL_NOTICE_KINDS) {
    for (;;) {
      const due = await acrossOrganizationsActionsDueForNotice(db, kind, now, BATCH);
      let wrote = 0;
      for (const action of due) if (await claimNotice(db, action, kind, now)) wrote++;
      written += wrote;
      // Another worker took them, or a decision holds them: the next sweep looks again.
      if (due.length < BATCH || wrote === 0) break;
    }
  }
  return written;
}
