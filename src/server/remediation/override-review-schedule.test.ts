// The overdue schedule of override reviews (docs/behaviour.md#override-review) in two real worker
// processes on this file's database: sweeping at the same moment, racing reviewers, and through
// its pg-boss queue. Every review pending past its due time gets exactly one
// OVERRIDE_REVIEW_OVERDUE event; reviews not due, or reviewed in time, get none.
import { describe, expect, it } from "vitest";
import { JOBS } from "@/server/job-registry";
import { senderBoss } from "@/server/jobs/boss";
import { startWorker } from "@/server/jobs/worker";
import { eventsPerAction, loadAction, twoScheduleWorkers, waitFor } from "@/test/execution-fixtures";
import {
  OVERRIDER,
  organizationWithGuardrail,
  overriddenAction,
  REVIEWER,
  review,
} from "@/test/override-review-fixtures";
import { markOverdueOverrideReviewsJob } from "./mark-overdue-override-reviews";

const JOB = markOverdueOverrideReviewsJob.name;
// Two worker processes running the overdue schedule (its queue and its cron) and nothing else.
const { sweepInBoth } = twoScheduleWorkers(JOB);

/** How many OVERRIDE_REVIEW_OVERDUE events each action has. */
const overdueEvents = (actionIds: string[]) => eventsPerAction(actionIds, "OVERRIDE_REVIEW_OVERDUE");

/** `count` overrides in `org` made 25..(25 + count) hours ago: all due 24 h after. */
async function overdueOverrides(org: string, incidentId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(await overriddenAction(org, incidentId, { hoursAgo: 25 + i }));
  return ids;
}

describe("the overdue schedule in two worker processes", () => {
  it("sweeping at the same moment: one event per overdue review in every organization; nothing else touched", async () => {
    const a = await organizationWithGuardrail();
    const b = await organizationWithGuardrail({ overrideReviewHours: 1 });
    const dueA = await overdueOverrides(a.org, a.incidentId, 12);
    const dueB = [await overriddenAction(b.org, b.incidentId, { hoursAgo: 2 })];
    const notDue = await overriddenAction(a.org, a.incidentId, { hoursAgo: 23 });
    const reviewedInTime = await overriddenAction(a.org, a.incidentId, { hoursAgo: 30 });
    expect((await review(a.org, reviewedInTime, REVIEWER, { outcome: "ACCEPTED", note: "ok" })).status).toBe(200);

    await sweepInBoth();
    expect(await overdueEvents([...dueA, ...dueB])).toEqual([...dueA, ...dueB].map(() => 1));
    // Later sweeps find nothing more to do.
    await sweepInBoth();
    expect(await overdueEvents([...dueA, ...dueB, notDue, reviewedInTime])).toEqual([
      ...[...dueA, ...dueB].map(() => 1),
      0,
      0,
    ]);

    const sample = await loadAction(a.org, dueA[0]!);
    expect(sample.events.map((e) => [e.type, e.actor])).toEqual([
      ["REQUESTED", "requester-1"],
      ["OVERRIDDEN", OVERRIDER],
      ["OVERRIDE_REVIEW_OVERDUE", "system"],
    ]);
    expect(sample.events[2]?.data).toEqual({
      dueAt: (sample.details.overrideReview as { dueAt: string }).dueAt,
      overriddenBy: OVERRIDER,
    });
    // Still open: an overdue review can be reviewed late.
    expect((sample.details.overrideReview as { status: string }).status).toBe("PENDING");
    expect((await review(a.org, dueA[0]!, REVIEWER, { outcome: "FLAGGED", note: "late" })).status).toBe(200);
  });

  it("reviewers racing both sweeps: each review is overdue-noted at most once, and reviewed once", async () => {
    const { org, incidentId } = await organizationWithGuardrail();
    const ids = await overdueOverrides(org, incidentId, 10);
    const [, answers] = await Promise.all([
      sweepInBoth(),
      Promise.all(ids.map((id) => review(org, id, REVIEWER, { outcome: "ACCEPTED", note: "racing" }))),
    ]);
    expect(answers.map((a) => a.status)).toEqual(ids.map(() => 200));
    for (const n of await overdueEvents(ids)) expect(n).toBeLessThanOrEqual(1);
    await sweepInBoth();
    expect((await overdueEvents(ids)).every((n) => n <= 1)).toBe(true);
  });

  it("a job sent to its pg-boss queue is run by the worker processes", async () => {
    const { org, incidentId } = await organizationWithGuardrail();
    const ids = await overdueOverrides(org, incidentId, 3);
    await (await senderBoss()).send(JOB, {});
    await waitFor(async () => (await overdueEvents(ids)).every((n) => n === 1), {
      what: "the queued sweep to note the overdue reviews",
    });
    expect(await overdueEvents(ids)).toEqual([1, 1, 1]);
  });

  it("is registered in JOBS and on pg-boss cron every five minutes (UTC)", async () => {
    expect(JOBS).toContain(markOverdueOverrideReviewsJob);
    const worker = await startWorker([markOverdueOverrideReviewsJob]);
    try {
      const schedules = await worker.boss.getSchedules();
      expect(schedules.filter((s) => s.name === JOB).map((s) => [s.cron, s.timezone])).toEqual([
        ["*/5 * * * *", "UTC"],
      ]);
    } finally {
      await worker.stop();
    }
  });
});
