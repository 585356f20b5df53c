// The pending-approval expiry schedule (docs/behaviour.md#expiry) in two real worker processes on this
// file's database: sweeping at the same moment, racing approve/reject, through the pg-boss queue
// and on its own cron. Every due action is expired exactly once (one EXPIRED event), nothing else
// is touched, and the counters, stats and priority signal are exact afterwards.
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { JOBS } from "@/server/job-registry";
import { senderBoss } from "@/server/jobs/boss";
import { startWorker } from "@/server/jobs/worker";
import { rest } from "@/test/calls";
import { eventsPerAction, loadAction, recountedActions, twoScheduleWorkers, waitFor } from "@/test/execution-fixtures";
import { approverOf, createAction, createActions, createExpiredAction, createOrganization } from "@/test/factories";
import { expirePendingActionsJob } from "./expire-pending-actions";

const JOB = expirePendingActionsJob.name;
const TTL_MINUTES = 60;
const EXPIRED_REASON = `Expired: no decision within ${TTL_MINUTES} minutes.`;
const CANNOT_REJECT = 'Cannot reject action in "REJECTED" status — only PENDING_APPROVAL actions can be rejected.';

// Two worker processes running the expiry schedule (its queue and its cron) and nothing else.
const { sweepInBoth } = twoScheduleWorkers(JOB);

/** `count` PENDING_APPROVAL actions (by `user-1`) whose TTL of TTL_MINUTES ran out a minute or more ago; their ids. */
function createDueActions(organizationId: string, count: number, environment = "production"): Promise<string[]> {
  const newest = Date.now() - (TTL_MINUTES + 1) * 60_000;
  return createActions(organizationId, {
    count,
    status: "PENDING_APPROVAL",
    environment,
    createdAt: new Date(newest),
    events: ["REQUESTED"],
    // Row i is i seconds older (createActions): its deadline moves with it.
    each: (i) => ({ expiresAt: new Date(newest - i * 1000 + TTL_MINUTES * 60_000) }),
  });
}

/** How many EXPIRED events each of the actions has. */
const expiredEventsPerAction = (actionIds: string[]) => eventsPerAction(actionIds, "EXPIRED");

/** Every due action is REJECTED by system with the expiry record and exactly one EXPIRED event. */
async function expectExpiredOnce(actionIds: string[]) {
  expect(await expiredEventsPerAction(actionIds)).toEqual(actionIds.map(() => 1));
  const rows = await db().remediationAction.findMany({ where: { id: { in: actionIds } } });
  expect(rows).toHaveLength(actionIds.length);
  for (const row of rows) {
    expect(row.status).toBe("REJECTED");
    expect((row.details as { rejection?: unknown }).rejection).toEqual({
      actor: "system",
      reason: EXPIRED_REASON,
      expired: true,
      at: expect.stringMatching(/Z$/),
    });
  }
  const first = rows.find((r) => r.id === actionIds[0])!;
  const sample = await loadAction(first.organizationId, first.id);
  expect(sample.events.map((e) => [e.type, e.actor])).toEqual([
    ["REQUESTED", "user-1"],
    ["EXPIRED", "system"],
  ]);
  expect(sample.events[1]?.data).toMatchObject({ reason: EXPIRED_REASON });
}

async function readJson(organizationId: string, path: string) {
  const res = await rest("GET", path, { auth: { organizationId } });
  expect(res.status).toBe(200);
  return res.json();
}

/** remediation_counters, summed over stripes, equal a fresh count of the actions. */
async function expectCountersExact() {
  const { actual, counters } = await recountedActions();
  expect(counters).toEqual(actual);
}

describe("the expiry schedule in two worker processes", () => {
  it("on its own (nobody calls it; first in the file, before any sweep is sent by hand), the schedule expires a due action, once", async () => {
    const org = await createOrganization("exp");
    const id = await createExpiredAction(org);
    await waitFor(async () => (await loadAction(org, id)).status === "REJECTED", {
      // pg-boss creates the minute's job up to ~30 s into the minute.
      timeoutMs: 150_000,
      intervalMs: 500,
      what: "the cron schedule to expire the action",
    });
    await expectExpiredOnce([id]);
    await expectCountersExact();
  }, 180_000);

  it("sweeping at the same moment: every due action of every organization expired exactly once, nothing else touched; counters, stats and signal exact", async () => {
    const [a, b] = [await createOrganization("exp"), await createOrganization("exp")];
    const dueA = await createDueActions(a, 150);
    const dueB = await createDueActions(b, 3, "staging");
    const notDue = await createAction(a, {
      status: "PENDING_APPROVAL",
      createdAt: new Date(Date.now() - 10 * 60_000),
      expiresAt: new Date(Date.now() + 50 * 60_000),
      events: ["REQUESTED"],
    });
    const neverExpires = await createAction(a, {
      status: "PENDING_APPROVAL",
      createdAt: new Date(Date.now() - 3 * 86_400_000),
      expiresAt: null,
      events: ["REQUESTED"],
    });
    // Decided in time: a deadline in the past means nothing once the action is no longer pending.
    const queued = await createAction(a, {
      status: "QUEUED",
      createdAt: new Date(Date.now() - 2 * 3600_000),
      expiresAt: new Date(Date.now() - 3600_000),
      events: ["REQUESTED", "APPROVED"],
    });
    const rejected = await createAction(a, {
      status: "REJECTED",
      createdAt: new Date(Date.now() - 2 * 3600_000),
      expiresAt: new Date(Date.now() - 3600_000),
      events: ["REQUESTED", "REJECTED"],
    });
    const untouched = await db().remediationAction.findMany({
      where: { id: { in: [notDue, neverExpires, queued, rejected] } },
      orderBy: { id: "asc" },
    });

    await sweepInBoth();
    await expectExpiredOnce([...dueA, ...dueB]);
    // Later sweeps find nothing more to do.
    await sweepInBoth();
    expect(await expiredEventsPerAction([...dueA, ...dueB])).toEqual([...dueA, ...dueB].map(() => 1));

    expect(
      await db().remediationAction.findMany({
        where: { id: { in: [notDue, neverExpires, queued, rejected] } },
        orderBy: { id: "asc" },
      }),
    ).toEqual(untouched);
    expect(await expiredEventsPerAction([notDue, neverExpires, queued, rejected])).toEqual([0, 0, 0, 0]);

    await expectCountersExact();
    const statsA = {
      total: 154,
      pending: 2,
      queued: 1,
      executing: 0,
      completed: 0,
      failed: 0,
      rejected: 151,
      successRate: 0,
    };
    expect(await readJson(a, "/remediation/stats")).toEqual(statsA);
    expect(await readJson(a, "/remediation/stats?environment=production")).toEqual(statsA);
    expect(await readJson(b, "/remediation/stats")).toEqual({
      total: 3,
      pending: 0,
      queued: 0,
      executing: 0,
      completed: 0,
      failed: 0,
      rejected: 3,
      successRate: 0,
    });
    expect(await readJson(a, "/remediation/priority-signal")).toEqual({
      level: "healthy",
      label: "Healthy",
      reason: "No remediation pressure.",
      pendingApprovals: 2,
      activeExecutions: 1,
      failedInLast24h: 0,
      overdueOverrideReviews: 0,
      // The one requested 10 min ago; the expired ones were requested and ended within the 24 h.
      pendingChange24h: 1,
      failedChange24h: 0,
    });
    expect(await readJson(b, "/remediation/priority-signal?environment=staging")).toMatchObject({
      level: "healthy",
      pendingApprovals: 0,
    });
    // The pending list no longer shows them.
    const pendingA = await readJson(a, "/remediation/actions?status=PENDING_APPROVAL&limit=500");
    expect(pendingA.map((r: { id: string }) => r.id).sort()).toEqual([notDue, neverExpires].sort());
  });

  it("approve and reject racing both sweeps: one EXPIRED event per action; approve answers REJECTED, reject 400", async () => {
    const org = await createOrganization("exp");
    const ids = await Promise.all(Array.from({ length: 20 }, () => createExpiredAction(org)));
    const approver = approverOf(org);
    const [, approvals, rejections] = await Promise.all([
      sweepInBoth(),
      Promise.all(ids.map((id) => rest("POST", `/remediation/${id}/approve`, { auth: approver }))),
      Promise.all(ids.map((id) => rest("POST", `/remediation/${id}/reject`, { auth: approverOf(org, 2) }))),
    ]);
    for (const res of approvals) {
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "REJECTED" });
    }
    for (const res of rejections) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ statusCode: 400, error: "Bad Request", message: CANNOT_REJECT });
    }
    await expectExpiredOnce(ids);
    expect(await db().approvalVote.count({ where: { actionId: { in: ids } } })).toBe(0);
    await expectCountersExact();
    expect(await readJson(org, "/remediation/stats")).toMatchObject({ total: 20, pending: 0, rejected: 20 });
  });

  it("a job sent to its pg-boss queue is run by the worker processes", async () => {
    const org = await createOrganization("exp");
    const ids = await createDueActions(org, 5);
    await (await senderBoss()).send(JOB, {});
    await waitFor(async () => (await expiredEventsPerAction(ids)).every((n) => n === 1), {
      what: "the queued sweep to expire the actions",
    });
    await expectExpiredOnce(ids);
    await expectCountersExact();
    expect(await readJson(org, "/remediation/priority-signal")).toMatchObject({ pendingApprovals: 0 });
  });

  it("is registered in JOBS and on pg-boss cron every minute (UTC)", async () => {
    expect(JOBS).toContain(expirePendingActionsJob);
    const worker = await startWorker([expirePendingActionsJob]);
    try {
      const schedules = await worker.boss.getSchedules();
      expect(schedules.filter((s) => s.name === JOB).map((s) => [s.cron, s.timezone])).toEqual([["* * * * *", "UTC"]]);
    } finally {
      await worker.stop();
    }
  });
});
