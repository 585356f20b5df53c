// Approval reminders and escalations (docs/behaviour.md#approval-reminders), one sweep at a time in
// this process with a controllable clock (`now`) and backdated requests: who gets which email,
// what it says, exactly once, per-recipient failures retried without duplicates, and decided
// actions left alone. Emails go through the Resend SDK to a local stand-in of its API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { actionsDueForNoticeQuery } from "@/server/db/stores/actions";
import { JOBS } from "@/server/job-registry";
import {
  type ApprovalTeam,
  createApprovalTeam,
  deliveriesOf,
  emails,
  NOTIFY_EMAIL,
  noticeEvents,
  requestPendingActions,
  setNoticePolicy,
} from "@/test/approval-notice-fixtures";
import { rest } from "@/test/calls";
import { createActions } from "@/test/factories";
import { startResendStandIn } from "@/test/reporting-fixtures";
import { testEmailSettings } from "@/test/settings";
import { sendApprovalNotices, sendApprovalNoticesJob } from "./send-approval-notices";

const APP = "https://rcc.example.com";
let resend: Awaited<ReturnType<typeof startResendStandIn>>;
let settings: Parameters<typeof sendApprovalNotices>[1];

beforeAll(async () => {
  resend = await startResendStandIn();
  settings = { email: testEmailSettings({ resend: { apiKey: "re_test", baseUrl: resend.url } }), appUrl: APP };
});
afterAll(() => resend.close());

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}
const nodes = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/** One sweep as the schedule runs it, `minutesLater` minutes after now. */
const sweep = (minutesLater = 0) => sendApprovalNotices(db(), settings, new Date(Date.now() + minutesLater * 60_000));

/** The emails the stand-in accepted or refused for the action: `to` and subject of each. */
function emailsFor(actionId: string) {
  return resend.requests
    .filter((r) => String(r.body.html).includes(`#action-${actionId}`))
    .map((r) => ({ to: String(r.body.to), subject: String(r.body.subject), text: String(r.body.text) }));
}

async function reminderTeam(): Promise<ApprovalTeam> {
  const team = await createApprovalTeam();
  await setNoticePolicy(team, {
    approvalReminderMinutes: 30,
    approvalEscalationMinutes: 120,
    // The requester's own address (in another case) is on the list: they still get nothing.
    approvalNotifyEmails: [NOTIFY_EMAIL, team.requester.email.toUpperCase()],
  });
  return team;
}

describe("approval reminders and escalations", () => {
  it("reminds the approvers and notify emails once, never the requester; escalates to policy:update holders once", async () => {
    const team = await reminderTeam();
    const [id] = await requestPendingActions(team, 29);
    // Not yet due: 29 minutes of 30.
    expect(await sweep()).toEqual({ notices: 0, sent: 0, failed: 0 });
    expect(await noticeEvents(team.org, id!)).toEqual([]);

    const approvers = emails(team.operator.email, team.admin.email, NOTIFY_EMAIL);
    expect(await sweep(1)).toEqual({ notices: 1, sent: 3, failed: 0 });
    expect(await noticeEvents(team.org, id!)).toEqual([
      { type: "APPROVAL_REMINDER_SENT", actor: "system", data: { recipients: approvers, afterMinutes: 30 } },
    ]);
    const reminders = emailsFor(id!);
    expect(reminders.map((e) => e.to).sort()).toEqual(approvers);
    const [reminder] = reminders;
    expect(reminder!.subject).toBe("Approval waiting 30 minutes: restart-service checkout in production");
    for (const part of [
      "restart-service",
      "checkout",
      "production",
      "Checkout latency spike",
      "Environment production requires approval.",
      "30 minutes",
      `Rita Requester <${team.requester.email}>`,
      `${APP}/incidents/${team.incidentId}#action-${id}`,
    ]) {
      expect(reminder!.text).toContain(part);
    }
    const request = resend.requests.find((r) => String(r.body.html).includes(`#action-${id}`))!;
    expect(request.headers.authorization).toBe("Bearer re_test");
    expect(String(request.body.html)).toContain(`href="${APP}/incidents/${team.incidentId}#action-${id}"`);

    // Later sweeps before the escalation: nothing new.
    expect(await sweep(2)).toEqual({ notices: 0, sent: 0, failed: 0 });
    expect(emailsFor(id!)).toHaveLength(3);

    expect(await sweep(91)).toEqual({ notices: 1, sent: 1, failed: 0 });
    expect(await sweep(92)).toEqual({ notices: 0, sent: 0, failed: 0 });
    expect(await noticeEvents(team.org, id!)).toEqual([
      { type: "APPROVAL_REMINDER_SENT", actor: "system", data: { recipients: approvers, afterMinutes: 30 } },
      { type: "APPROVAL_ESCALATED", actor: "system", data: { recipients: [team.admin.email], afterMinutes: 120 } },
    ]);
    const escalation = emailsFor(id!).slice(3);
    expect(escalation.map((e) => [e.to, e.subject])).toEqual([
      [team.admin.email, "Escalated: approval waiting 2 h: restart-service checkout in production"],
    ]);
    // The requester, the viewer: never.
    const to = resend.requests.map((r) => String(r.body.to));
    expect(to).not.toContain(team.requester.email);
    expect(to).not.toContain(team.viewer.email);
    // The events show on the action (GET /remediation/:id).
    const res = await rest("GET", `/remediation/${id}`, { auth: { organizationId: team.org } });
    const types = ((await res.json()) as { events: { type: string }[] }).events.map((e) => e.type);
    expect(types).toEqual(["REQUESTED", "APPROVAL_REMINDER_SENT", "APPROVAL_ESCALATED"]);
  });

  it("an action decided before its reminder time gets no reminder, nor escalation; a policy without reminders sends none", async () => {
    const team = await reminderTeam();
    const [approved, rejected] = await requestPendingActions(team, 10, 2);
    const approve = await rest("POST", `/remediation/${approved}/approve`, {
      auth: { organizationId: team.org, sub: team.operator.id, permissions: ROLE_PERMISSIONS.operator },
    });
    expect(await approve.json()).toEqual({ status: "QUEUED", approvals: 1, requiredApprovals: 1 });
    const reject = await rest("POST", `/remediation/${rejected}/reject`, {
      auth: { organizationId: team.org, sub: team.requester.id, permissions: ROLE_PERMISSIONS.operator },
    });
    expect(reject.status).toBe(200);

    const quiet = await createApprovalTeam();
    const [unwatched] = await requestPendingActions(quiet, 600);

    // Hours later, the decided ones have long passed both times.
    await sweep(300);
    for (const id of [approved, rejected]) {
      expect(await noticeEvents(team.org, id!)).toEqual([]);
      expect(emailsFor(id!)).toEqual([]);
    }
    expect(await noticeEvents(quiet.org, unwatched!)).toEqual([]);
    expect(emailsFor(unwatched!)).toEqual([]);
  });

  it("one recipient's failed delivery is recorded and retried on the next sweep; the others get theirs once", async () => {
    const team = await reminderTeam();
    const [id] = await requestPendingActions(team, 31);
    resend.reject.add(NOTIFY_EMAIL);
    try {
      expect(await sweep()).toEqual({ notices: 1, sent: 2, failed: 1 });
      // The event was written once, with every recipient; the failure is on the delivery.
      const [event] = await noticeEvents(team.org, id!);
      expect(event?.data.recipients).toEqual(emails(team.operator.email, team.admin.email, NOTIFY_EMAIL));
      const failed = (await deliveriesOf(team.org, id!)).find((d) => d.recipient === NOTIFY_EMAIL);
      expect(failed).toMatchObject({ kind: "REMINDER", status: "PENDING", attempts: 1 });
      expect(failed?.lastError).toMatch(/^Resend refused the email \(422\): Invalid `to` field/);
      expect((await deliveriesOf(team.org, id!)).filter((d) => d.status === "SENT").map((d) => d.recipient)).toEqual(
        emails(team.operator.email, team.admin.email),
      );

      // Next sweep: only the failed one is tried again (and fails again).
      expect(await sweep(1)).toEqual({ notices: 0, sent: 0, failed: 1 });
    } finally {
      resend.reject.delete(NOTIFY_EMAIL);
    }
    expect(await sweep(2)).toEqual({ notices: 0, sent: 1, failed: 0 });
    expect(await sweep(3)).toEqual({ notices: 0, sent: 0, failed: 0 });

    const perRecipient: Record<string, number> = {};
    for (const e of emailsFor(id!)) perRecipient[e.to] = (perRecipient[e.to] ?? 0) + 1;
    expect(perRecipient).toEqual({
      [team.operator.email]: 1,
      [team.admin.email]: 1,
      [NOTIFY_EMAIL]: 3,
    });
    expect(await deliveriesOf(team.org, id!)).toEqual(
      emails(team.operator.email, team.admin.email, NOTIFY_EMAIL).map((recipient) => ({
        kind: "REMINDER",
        recipient,
        status: "SENT",
        attempts: recipient === NOTIFY_EMAIL ? 3 : 1,
        lastError: null,
        sentAt: expect.any(Date),
      })),
    );
    expect(await noticeEvents(team.org, id!)).toHaveLength(1);
  });

  it("a retry for an action decided meanwhile is cancelled, not sent", async () => {
    const team = await reminderTeam();
    const [id] = await requestPendingActions(team, 31);
    resend.reject.add(NOTIFY_EMAIL);
    try {
      await sweep();
    } finally {
      resend.reject.delete(NOTIFY_EMAIL);
    }
    const reject = await rest("POST", `/remediation/${id}/reject`, {
      auth: { organizationId: team.org, sub: team.operator.id, permissions: ROLE_PERMISSIONS.operator },
    });
    expect(reject.status).toBe(200);
    expect(await sweep(1)).toEqual({ notices: 0, sent: 0, failed: 0 });
    const cancelled = (await deliveriesOf(team.org, id!)).find((d) => d.recipient === NOTIFY_EMAIL);
    expect(cancelled).toMatchObject({ status: "CANCELLED", attempts: 2 });
    expect(emailsFor(id!).filter((e) => e.to === NOTIFY_EMAIL)).toHaveLength(1);
  });

  it("escalation minutes not larger than the reminder's → 400 on approvalEscalationMinutes", async () => {
    const team = await createApprovalTeam();
    await setNoticePolicy(team, { approvalReminderMinutes: 30 });
    const res = await rest("PUT", "/remediation/policy", {
      auth: { organizationId: team.org, sub: team.admin.id, permissions: ROLE_PERMISSIONS.admin },
      body: { approvalEscalationMinutes: 30 },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      statusCode: 400,
      issues: [{ path: "approvalEscalationMinutes", message: "must be larger than approvalReminderMinutes (30)" }],
    });
  });

  it("finds due actions through the (organizationId, status, createdAt) index, never a scan of all actions", async () => {
    const team = await reminderTeam();
    await createActions(team.org, { count: 20_000, status: "COMPLETED", createdAt: new Date(Date.now() - 3600_000) });
    await requestPendingActions(team, 45, 3);
    await db().$executeRawUnsafe("VACUUM ANALYZE remediation_actions");
    for (const kind of ["REMINDER", "ESCALATION"] as const) {
      const [row] = await db().$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(
        Prisma.sql`EXPLAIN (FORMAT JSON) ${actionsDueForNoticeQuery(kind, new Date(), 200)}`,
      );
      const onActions = nodes(row!["QUERY PLAN"][0].Plan).filter((n) => n["Relation Name"] === "remediation_actions");
      expect(onActions.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(onActions.map((n) => n["Index Name"])).toContain(
        "remediation_actions_organizationId_status_createdAt_id_idx",
      );
    }
  }, 120_000);

  it("is registered in JOBS, every minute (UTC) with two follow-ups", () => {
    expect(JOBS).toContain(sendApprovalNoticesJob);
    expect(sendApprovalNoticesJob.cron).toBe("* * * * *");
  });
});
