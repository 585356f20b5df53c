import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { appendEventAt } from "@/server/db/simulate";
import type { ActionEventType } from "@/server/db/stores/events";
import { enforceRetention } from "@/server/reporting/enforce-retention";
import { callerFor, rest } from "@/test/calls";
import { createAction, createExpiredAction, createIncident, createOrganization, requestBody } from "@/test/factories";
import { createReportingSettings } from "@/test/reporting-fixtures";
import { getApprovalMetrics } from "./get-approval-metrics";
import { DECISION_TIME_DAYS, getDecisionTimeByDay } from "./get-decision-time-by-day";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** An action requested at `requestedAt`, decided by an event of `type` `seconds` later. */
async function decided(org: string, type: ActionEventType, requestedAt: Date, seconds: number): Promise<string> {
  const status = type === "REJECTED" || type === "EXPIRED" ? "REJECTED" : "QUEUED";
  const id = await createAction(org, { status, createdAt: requestedAt, events: [] });
  await appendEventAt(org, { actionId: id, type, createdAt: new Date(requestedAt.getTime() + seconds * 1000) });
  return id;
}

const metrics = (org: string, days: number, now: Date) =>
  getApprovalMetrics({ db: db(), scope: orgScope(org) }, { days }, now);

describe("approval metrics: arithmetic on known decision times", () => {
  it("counts, exact p50/p95/max, oldest pending, reminders and escalations of the window only", async () => {
    const org = await createOrganization("am");
    const now = new Date(Date.now() - (Date.now() % 1000));
    // Ten decisions an hour ago, taking 10, 20, …, 100 s: p50 = 55, p95 = 90 + 0.55 × 10 = 95.5.
    const requestedAt = new Date(now.getTime() - 60 * MINUTE);
    const types: ActionEventType[] = [
      "APPROVED",
      "APPROVED",
      "APPROVED",
      "APPROVED",
      "OVERRIDDEN",
      "OVERRIDDEN",
      "REJECTED",
      "REJECTED",
      "REJECTED",
      "EXPIRED",
    ];
    for (const [i, type] of types.entries()) await decided(org, type, requestedAt, (i + 1) * 10);
    // Outside a 7-day window (decided 8 days ago, in 1,000 s), inside a 9-day one.
    await decided(org, "APPROVED", new Date(now.getTime() - 8 * DAY - 1000_000), 1000);
    // Not decisions: a vote below the quorum, the request itself.
    const voted = await createAction(org, {
      status: "PENDING_APPROVAL",
      createdAt: new Date(now.getTime() - 30 * MINUTE),
    });
    await appendEventAt(org, {
      actionId: voted,
      type: "APPROVAL_RECORDED",
      createdAt: new Date(now.getTime() - MINUTE),
    });
    await appendEventAt(org, { actionId: voted, type: "REQUESTED", createdAt: new Date(now.getTime() - 30 * MINUTE) });
    // The oldest pending action waited 2 h 30 min.
    const oldest = await createAction(org, {
      status: "PENDING_APPROVAL",
      createdAt: new Date(now.getTime() - 150 * MINUTE),
    });
    // Reminders and escalations: counted when inside the window.
    const notices: [string, "APPROVAL_REMINDER_SENT" | "APPROVAL_ESCALATED", number][] = [
      [oldest, "APPROVAL_REMINDER_SENT", 90 * MINUTE],
      [oldest, "APPROVAL_ESCALATED", 30 * MINUTE],
      [voted, "APPROVAL_REMINDER_SENT", 5 * MINUTE],
      [voted, "APPROVAL_REMINDER_SENT", 8 * DAY],
    ];
    for (const [actionId, type, ago] of notices)
      await appendEventAt(org, { actionId, type, createdAt: new Date(now.getTime() - ago) });
    // Another organization's decisions and pending actions never count.
    const other = await createOrganization("am");
    await decided(other, "REJECTED", requestedAt, 5000);
    await createAction(other, { status: "PENDING_APPROVAL", createdAt: new Date(now.getTime() - 10 * DAY) });

    expect(await metrics(org, 7, now)).toEqual({
      days: 7,
      decided: 10,
      approved: 6,
      rejected: 4,
      expired: 1,
      overridden: 2,
      timeToDecision: { p50Seconds: 55, p95Seconds: 95.5, maxSeconds: 100 },
      oldestPendingSeconds: 9000,
      remindersSent: 2,
      escalations: 1,
    });
    // Nine days: the old decision (1,000 s) joins: 11 values 10…100, 1000 → p50 60, p95 100 + 0.5 × 900.
    expect(await metrics(org, 9, now)).toMatchObject({
      decided: 11,
      approved: 7,
      timeToDecision: { p50Seconds: 60, p95Seconds: 550, maxSeconds: 1000 },
      remindersSent: 3,
    });
  });

  it("nothing decided and nothing pending: zeros and nulls", async () => {
    const org = await createOrganization("am");
    await createAction(org, { status: "COMPLETED" });
    expect(await callerFor(org).remediation.approvalMetrics({})).toEqual({
      days: 7,
      decided: 0,
      approved: 0,
      rejected: 0,
      expired: 0,
      overridden: 0,
      timeToDecision: { p50Seconds: null, p95Seconds: null, maxSeconds: null },
      oldestPendingSeconds: null,
      remindersSent: 0,
      escalations: 0,
    });
  });

  it("one decision: p50 = p95 = max; pending only: times null, oldest set", async () => {
    const org = await createOrganization("am");
    const now = new Date(Date.now() - (Date.now() % 1000));
    await createAction(org, { status: "PENDING_APPROVAL", createdAt: new Date(now.getTime() - 42_000) });
    expect(await metrics(org, 1, now)).toMatchObject({
      decided: 0,
      timeToDecision: { p50Seconds: null, p95Seconds: null, maxSeconds: null },
      oldestPendingSeconds: 42,
    });
    await decided(org, "REJECTED", new Date(now.getTime() - 10_000), 1.25);
    expect(await metrics(org, 1, now)).toMatchObject({
      decided: 1,
      rejected: 1,
      expired: 0,
      timeToDecision: { p50Seconds: 1.25, p95Seconds: 1.25, maxSeconds: 1.25 },
    });
  });
});

describe("approval metrics from the real decision paths", () => {
  it("approve, override, reject, withdraw and expiry are counted as the events they write", async () => {
    const org = await createOrganization("am");
    const incidentId = await createIncident(org);
    const requester = callerFor(org);
    const approver = callerFor(org, { userId: "approver-1" });
    const request = async () =>
      (await requester.remediation.request(requestBody(incidentId, { environment: "production" }))).action.id;

    const [approved, overridden, rejected, withdrawn] = [
      await request(),
      await request(),
      await request(),
      await request(),
    ];
    await request(); // stays pending
    await approver.remediation.approve({ id: approved });
    await approver.remediation.reject({ id: rejected });
    await requester.remediation.reject({ id: withdrawn });
    await requester.policy.update({
      freezeWindows: [
        {
          start: new Date(Date.now() - MINUTE).toISOString(),
          end: new Date(Date.now() + 60 * MINUTE).toISOString(),
          environments: ["production"],
          reason: "Quarter close",
        },
      ],
    });
    expect(await approver.remediation.approve({ id: overridden, reason: "Sev1" })).toMatchObject({ status: "QUEUED" });
    const expired = await createExpiredAction(org);
    expect(await approver.remediation.reject({ id: expired }).catch((e: Error) => e.message)).toMatch(/Cannot reject/);

    const answer = await requester.remediation.approvalMetrics({ days: 1 });
    expect(answer).toMatchObject({ decided: 5, approved: 2, overridden: 1, rejected: 3, expired: 1 });
    // The expired action waited 61 minutes; the others a moment.
    expect(answer.timeToDecision.maxSeconds).toBeGreaterThanOrEqual(61 * 60);
    expect(answer.timeToDecision.p50Seconds).toBeGreaterThanOrEqual(0);
    expect(answer.timeToDecision.p50Seconds).toBeLessThan(60);
    expect(answer.oldestPendingSeconds).toBeGreaterThanOrEqual(0);
  });
});

describe("GET /remediation/approval-metrics", () => {
  it("kept figures are reused only while they are the same set: a new decision, a retention delete and the moving window all show at once", async () => {
    const org = await createOrganization("am-kept");
    await createReportingSettings(org, { retentionDays: 7 });
    const now = new Date(Date.now() - (Date.now() % 1000));
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 60 * MINUTE);
    // Decided 3 h ago (in 100 s) and 30 h ago (in 300 s); an 8-day-old action decided 30 min ago (in 8 days).
    await decided(org, "APPROVED", hoursAgo(3), 100);
    await decided(org, "REJECTED", hoursAgo(30), 300);
    const old = await decided(org, "REJECTED", new Date(now.getTime() - 8 * DAY - 30 * MINUTE), 8 * 86_400);
    const first = await metrics(org, 2, now);
    expect(first).toMatchObject({ decided: 3, approved: 1, rejected: 2, timeToDecision: { maxSeconds: 8 * 86_400 } });
    // Unchanged set: the same answer (reused), and a request a second later too.
    expect(await metrics(org, 2, now)).toEqual(first);
    expect(await metrics(org, 2, new Date(now.getTime() + 1000))).toEqual(first);

    // A new decision, committed after the figures were kept.
    await decided(org, "APPROVED", hoursAgo(1), 10);
    expect(await metrics(org, 2, now)).toMatchObject({ decided: 4, approved: 2, timeToDecision: { p50Seconds: 200 } });

    // Retention deletes the 8-day-old action, its decision inside the 2-day window with it.
    const purged = await enforceRetention({ db: db(), scope: orgScope(org) }, { now });
    expect(purged.deletedCount).toBe(1);
    expect(await db().remediationAction.count({ where: { id: old } })).toBe(0);
    expect(await metrics(org, 2, now)).toMatchObject({ decided: 3, rejected: 1, timeToDecision: { maxSeconds: 300 } });

    // The window moves past the 30-hour-old decision (48 h window, 19 h later): it drops out.
    expect(await metrics(org, 2, new Date(now.getTime() + 19 * 60 * MINUTE))).toMatchObject({
      decided: 2,
      rejected: 0,
      timeToDecision: { p50Seconds: 55, maxSeconds: 100 },
    });
    // Every answer equals the one computed from nothing kept (another window length reads afresh).
    expect(await metrics(org, 3, now)).toMatchObject({ decided: 3 });
  });

  it("days 1..90 (default 7); 0, 91, non-numbers and fractions are 400", async () => {
    const org = await createOrganization("am");
    const auth = { organizationId: org };
    const ok = await rest("GET", "/remediation/approval-metrics", { auth });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ days: 7, decided: 0, oldestPendingSeconds: null });
    for (const days of ["1", "90"]) {
      const res = await rest("GET", `/remediation/approval-metrics?days=${days}`, { auth });
      expect(res.status).toBe(200);
      expect((await res.json()).days).toBe(Number(days));
    }
    expect((await (await rest("GET", "/remediation/approval-metrics?days=", { auth })).json()).days).toBe(7);
    for (const [days, message] of [
      ["0", "days must be at least 1"],
      ["91", "days must be at most 90"],
      ["abc", "days must be a number"],
      ["1.5", "days must be an integer"],
    ]) {
      const res = await rest("GET", `/remediation/approval-metrics?days=${days}`, { auth });
      expect(res.status, days).toBe(400);
      expect(JSON.stringify(await res.json())).toContain(message);
    }
  });

  it("401 without a token, 403 without remediation:view", async () => {
    const org = await createOrganization("am");
    expect((await rest("GET", "/remediation/approval-metrics")).status).toBe(401);
    const res = await rest("GET", "/remediation/approval-metrics", {
      auth: { organizationId: org, permissions: ["incident:write"] },
    });
    expect(res.status).toBe(403);
  });
});

describe("decision time by day (the Control Center panel)", () => {
  it("14 UTC days, today last; p50/p95 of each day's decisions, null on days without", async () => {
    const org = await createOrganization("am");
    const now = new Date();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    // Three days ago at 06:00: decisions of 10, 20, 30, 40 s (p50 25, p95 30 + 0.85 × 10 = 38.5).
    const threeDaysAgo = new Date(today.getTime() - 3 * DAY + 6 * 60 * MINUTE);
    for (const s of [10, 20, 30, 40]) await decided(org, "APPROVED", threeDaysAgo, s);
    // 20 days ago: outside the panel.
    await decided(org, "REJECTED", new Date(today.getTime() - 20 * DAY), 5);

    const days = await getDecisionTimeByDay({ db: db(), scope: orgScope(org) }, now);
    expect(days).toHaveLength(DECISION_TIME_DAYS);
    expect(days.at(-1)!.day).toBe(today.toISOString().slice(0, 10));
    const withData = days.filter((d) => d.decided > 0);
    expect(withData).toEqual([
      { day: threeDaysAgo.toISOString().slice(0, 10), decided: 4, p50Seconds: 25, p95Seconds: 38.5 },
    ]);
    expect(days.filter((d) => d.decided === 0).every((d) => d.p50Seconds === null && d.p95Seconds === null)).toBe(true);
    expect(await callerFor(org).ui.decisionTimeByDay()).toEqual(days);
  });
});
