import { type Db, transaction } from "@/server/db/client";
import { type ApprovalNoticeKind, findAction } from "@/server/db/stores/actions";
import {
  acrossOrganizationsClaimDueDeliveries,
  type DeliveryRecord,
  recordDelivery,
} from "@/server/db/stores/approval-notifications";
import { findIncident } from "@/server/db/stores/incidents";
import { findOrganizationName } from "@/server/db/stores/organizations";
import { findUserContact } from "@/server/db/stores/users";
import { type EmailSender, type EmailSettings, emailSender } from "@/server/email";
import { logger } from "@/server/logger";
import { composeApprovalNotice } from "./compose-approval-notice";

const BATCH = 20;
/**
 * A claimed delivery is another worker's again after this long: longer than a batch can take
 * (BATCH emails of at most 30 s each), so a live worker's send is never repeated.
 */
const LEASE_SECONDS = 900;
/** After this many failed attempts a recipient's email is given up (FAILED). */
const MAX_DELIVERY_ATTEMPTS = 20;
const CANCELLED = "The action was decided before this email was sent.";

/** The next try: at once (the next sweep) after the first failure, then 15 s, 30 s, 1 min, … up to an hour. */
function retryDelayMs(attempts: number): number {
  return attempts <= 1 ? 0 : Math.min(15_000 * 2 ** (attempts - 2), 3_600_000);
}

export interface ApprovalNoticeSettings {
  email: EmailSettings;
  /** The base of the link to the action (APP_URL). */
  appUrl: string;
}

async function deliverGroup(
  db: Db,
  sender: EmailSender,
  settings: ApprovalNoticeSettings,
  deliveries: DeliveryRecord[],
  now: Date,
): Promise<{ sent: number; failed: number }> {
  const [first] = deliveries as [DeliveryRecord];
  const { organizationId, actionId, kind } = first;
  const action = await findAction(db, organizationId, actionId);
  if (action?.status !== "PENDING_APPROVAL") {
    await transaction(db, async (tx) => {
      for (const d of deliveries)
        await recordDelivery(tx, organizationId, d, { status: "CANCELLED", error: CANCELLED });
    });
    return { sent: 0, failed: 0 };
  }
  const [organizationName, incident, requester] = await Promise.all([
    findOrganizationName(db, organizationId),
    findIncident(db, organizationId, action.incidentId),
    findUserContact(db, action.performedBy),
  ]);
  const message = await composeApprovalNotice({
    kind,
    from: settings.email.from,
    appUrl: settings.appUrl,
    organizationName: organizationName ?? organizationId,
    action,
    incidentTitle: incident?.title ?? action.incidentId,
    requester: requester ? `${requester.name} <${requester.email}>` : action.performedBy,
    notifiedAt: first.notifiedAt,
  });
  let sent = 0;
  let failed = 0;
  // One email per recipient: one recipient's failure is recorded and retried alone.
  for (const d of deliveries) {
    try {
      await sender.send(
        { ...message, to: d.recipient },
        { organizationId, idempotencyKey: `approval-notice/${actionId}/${kind}/${d.recipient}` },
      );
      await recordDelivery(db, organizationId, d, { status: "SENT", at: new Date() });
      sent++;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      failed++;
      await recordDelivery(
        db,
        organizationId,
        d,
        d.attempts >= MAX_DELIVERY_ATTEMPTS
          ? { status: "FAILED", error }
          : // Past this sweep's `now`, so the next sweep (not this one) tries again.
            { status: "PENDING", error, retryAt: new Date(now.getTime() + Math.max(1, retryDelayMs(d.attempts))) },
      );
    }
  }
  return { sent, failed };
}

const groupKey = (d: { actionId: string; kind: ApprovalNoticeKind }) => `${d.actionId}/${d.kind}`;

/**
 * Deliberately across organizations: sends every notice email due by `now` (new ones, and retries
 * of failed ones), each recipient's at most once; the counts of this pass.
 */
export async function acrossOrganizationsDeliverApprovalNotices(
  db: Db,
  settings: ApprovalNoticeSettings,
  now: Date,
): Promise<{ sent: number; failed: number }> {
  const total = { sent: 0, failed: 0 };
  const sender = emailSender(db, settings.email);
  try {
    for (;;) {
      const claimed = await acrossOrganizationsClaimDueDeliveries(db, now, BATCH, LEASE_SECONDS);
      const groups = new Map<string, DeliveryRecord[]>();
      for (const d of claimed) groups.set(groupKey(d), [...(groups.get(groupKey(d)) ?? []), d]);
      for (const deliveries of groups.values()) {
        const result = await deliverGroup(db, sender, settings, deliveries, now);
        total.sent += result.sent;
        total.failed += result.failed;
      }
      if (claimed.length < BATCH) return total;
    }
  } finally {
    await sender.close().catch((err) => logger().warn({ err }, "closing the email transport failed"));
  }
}
