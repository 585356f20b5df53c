// Approval reminders and escalations (docs/behaviour.md#approval-reminders) in two real worker
// processes on this file's database, both sending through the Resend SDK to a local stand-in:
// sweeping at the same moment (and on their own cron meanwhile), every due action gets exactly one
// reminder and one escalation event, and every recipient exactly one email of each.
import { describe, expect, it } from "vitest";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { senderBoss } from "@/server/jobs/boss";
import {
  createApprovalTeam,
  emails,
  NOTIFY_EMAIL,
  noticeEvents,
  requestPendingActions,
  setNoticePolicy,
} from "@/test/approval-notice-fixtures";
import { rest } from "@/test/calls";
import { twoScheduleWorkers, waitFor } from "@/test/execution-fixtures";
import { startResendStandIn } from "@/test/reporting-fixtures";
import { sendApprovalNoticesJob } from "./send-approval-notices";

const JOB = sendApprovalNoticesJob.name;
const APP = "https://rcc.example.com";
let resend: Awaited<ReturnType<typeof startResendStandIn>>;

// Two worker processes running the notices schedule, both sending to the Resend stand-in.
const { sweepInBoth } = twoScheduleWorkers(JOB, {
  readyTimeoutMs: 120_000,
  beforeStart: async () => {
    resend = await startResendStandIn();
  },
  env: () => ({ RESEND_API_KEY: "re_workers", RESEND_BASE_URL: resend.url, APP_URL: APP }),
  afterStop: () => resend.close(),
});

/** How many emails the stand-in got per `<action> <recipient> <reminder|escalation>`. */
function emailCounts(actionIds: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of resend.requests) {
    const id = actionIds.find((a) => String(r.body.html).includes(`#action-${a}`));
    if (!id) continue;
    const kind = String(r.body.subject).startsWith("Escalated:") ? "escalation" : "reminder";
    const key = `${id} ${String(r.body.to)} ${kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe("approval notices in two worker processes", () => {
  it("sweeping at the same moment: one reminder and one escalation per action, one email per recipient", async () => {
    const team = await createApprovalTeam("workers");
    await setNoticePolicy(team, {
      approvalReminderMinutes: 15,
      approvalEscalationMinutes: 60,
      approvalNotifyEmails: [NOTIFY_EMAIL],
    });
    const ids = await requestPendingActions(team, 61, 12);
    // Young enough for neither.
    const [young] = await requestPendingActions(team, 5);

    await sweepInBoth();
    await sweepInBoth();

    const approvers = emails(team.operator.email, team.admin.email, NOTIFY_EMAIL);
    for (const id of ids) {
      expect(await noticeEvents(team.org, id)).toEqual([
        { type: "APPROVAL_REMINDER_SENT", actor: "system", data: { recipients: approvers, afterMinutes: 15 } },
        { type: "APPROVAL_ESCALATED", actor: "system", data: { recipients: [team.admin.email], afterMinutes: 60 } },
      ]);
    }
    const expected: Record<string, number> = {};
    for (const id of ids) {
      for (const to of approvers) expected[`${id} ${to} reminder`] = 1;
      expected[`${id} ${team.admin.email} escalation`] = 1;
    }
    expect(emailCounts(ids)).toEqual(expected);
    expect(await noticeEvents(team.org, young!)).toEqual([]);
    // Sent by the worker processes' Resend adapter, linking to APP_URL.
    const sample = resend.requests.find((r) => String(r.body.html).includes(`#action-${ids[0]}`))!;
    expect(sample.headers.authorization).toBe("Bearer re_workers");
    expect(String(sample.body.text)).toContain(`${APP}/incidents/${team.incidentId}#action-${ids[0]}`);
  });

  it("approvals racing both sweeps: at most one reminder per action, each email at most once, nothing after the decision", async () => {
    const team = await createApprovalTeam("race");
    await setNoticePolicy(team, { approvalReminderMinutes: 10 });
    const ids = await requestPendingActions(team, 11, 10);
    const approvals = await Promise.all([
      sweepInBoth(),
      ...ids.map((id) =>
        rest("POST", `/remediation/${id}/approve`, {
          auth: { organizationId: team.org, sub: team.operator.id, permissions: ROLE_PERMISSIONS.operator },
        }),
      ),
    ]);
    for (const res of approvals.slice(1) as Response[]) expect(await res.json()).toMatchObject({ status: "QUEUED" });
    const after = await Promise.all(ids.map((id) => noticeEvents(team.org, id)));
    for (const events of after) expect(events.length).toBeLessThanOrEqual(1);
    const counts = emailCounts(ids);
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);

    // Every action is decided now: later sweeps write and send nothing more.
    await sweepInBoth();
    expect(await Promise.all(ids.map((id) => noticeEvents(team.org, id)))).toEqual(after);
    expect(emailCounts(ids)).toEqual(counts);
  });

  it("a sweep sent to its pg-boss queue is run by the worker processes", async () => {
    const team = await createApprovalTeam("queue");
    await setNoticePolicy(team, { approvalReminderMinutes: 1 });
    const [id] = await requestPendingActions(team, 2);
    await (await senderBoss()).send(JOB, {});
    await waitFor(async () => (await noticeEvents(team.org, id!)).length === 1, {
      what: "the queued sweep to remind the approvers",
    });
    await waitFor(async () => Object.keys(emailCounts([id!])).length === 2, { what: "the two reminder emails" });
    expect(emailCounts([id!])).toEqual({
      [`${id} ${team.operator.email} reminder`]: 1,
      [`${id} ${team.admin.email} reminder`]: 1,
    });
  });
});
