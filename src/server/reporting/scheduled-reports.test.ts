import type { PgBoss } from "pg-boss";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { startWorker } from "@/server/jobs/worker";
import { enforceRetentionJob, sendDueReportsJob } from "@/server/reporting/jobs";
import { createOrganization } from "@/test/factories";
import { createReportingSettings, createReportRun, daysAgo } from "@/test/reporting-fixtures";
import { executeReportRun } from "./execute-report-run";
import { INTERRUPTED_RUN_ERROR } from "./recover-interrupted-runs";
import { SCHEDULE_TICK_MS } from "./schedule";

// No RESEND_API_KEY / SMTP_HOST here: reports go to the local outbox.
const runScheduledTick = () => sendDueReportsJob.handle([], undefined as unknown as PgBoss);

async function scheduledOrganization(
  settings: { reportCadence?: "daily" | "weekly"; lastReportAt?: Date | null } = {},
) {
  const organizationId = await createOrganization();
  await createReportingSettings(organizationId, {
    scheduledReportEnabled: true,
    reportRecipients: ["sre@example.com"],
    reportCadence: settings.reportCadence ?? "weekly",
    lastReportAt: settings.lastReportAt ?? null,
  });
  return organizationId;
}

const runsOf = (organizationId: string) => db().reportRun.findMany({ where: { organizationId } });

describe("scheduled reports", () => {
  it("two workers ticking at once send exactly one report per due organization", async () => {
    const due = await scheduledOrganization();
    const dailyDue = await scheduledOrganization({ reportCadence: "daily", lastReportAt: daysAgo(1.1) });
    const notDue = await scheduledOrganization({ lastReportAt: daysAgo(3) });
    const disabled = await createOrganization();
    await createReportingSettings(disabled, { reportRecipients: ["x@example.com"], scheduledReportEnabled: false });

    await Promise.all([runScheduledTick(), runScheduledTick()]);

    const [run, ...others] = await runsOf(due);
    expect(others).toHaveLength(0);
    expect(run).toMatchObject({ trigger: "schedule", cadence: "weekly", status: "success", deliveredCount: 1 });
    expect(run?.scheduleSlot).toBe("since:never");
    // The period ends on the 15-minute tick and lastReportAt moves to it.
    expect((run?.periodEnd.getTime() ?? 1) % SCHEDULE_TICK_MS).toBe(0);
    const settings = await db().reportingSettings.findUniqueOrThrow({ where: { organizationId: due } });
    expect(settings.lastReportAt).toEqual(run?.periodEnd);
    expect(await db().emailOutbox.count({ where: { organizationId: due } })).toBe(1);

    const daily = await runsOf(dailyDue);
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({ cadence: "daily", status: "success" });
    expect(await runsOf(notDue)).toEqual([]);
    expect(await runsOf(disabled)).toEqual([]);

    // The next tick finds nothing due for them any more.
    await runScheduledTick();
    expect(await runsOf(due)).toHaveLength(1);
    expect(await runsOf(dailyDue)).toHaveLength(1);
  });

  it("a period is claimed once: racing inserts of the same slot create one run", async () => {
    const organizationId = await scheduledOrganization();
    const plan = {
      organizationId,
      trigger: "schedule" as const,
      cadence: "weekly" as const,
      recipients: ["sre@example.com"],
      period: { start: daysAgo(7), end: new Date() },
      scheduleSlot: "since:never",
    };
    const results = await Promise.all(Array.from({ length: 5 }, () => executeReportRun(db(), plan)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await runsOf(organizationId)).toHaveLength(1);
    expect(await db().emailOutbox.count({ where: { organizationId } })).toBe(1);
  });

  it("finishes runs left running by a dead worker as failed and moves the schedule on", async () => {
    const organizationId = await scheduledOrganization({ lastReportAt: daysAgo(1) });
    const periodEnd = new Date(Date.now() - 20 * 60_000);
    // Left running by a worker that died 20 minutes ago.
    const stale = await createReportRun(organizationId, {
      cadence: "weekly",
      trigger: "schedule",
      scheduleSlot: "since:old",
      recipients: ["sre@example.com"],
      status: "running",
      periodStart: daysAgo(8),
      periodEnd,
      startedAt: periodEnd,
    });
    const fresh = await createReportRun(organizationId, {
      cadence: "weekly",
      trigger: "manual",
      recipients: ["sre@example.com"],
      status: "running",
      periodStart: daysAgo(7),
      periodEnd: new Date(),
    });

    await runScheduledTick();

    expect(await db().reportRun.findUniqueOrThrow({ where: { id: stale.id } })).toMatchObject({
      status: "failed",
      error: INTERRUPTED_RUN_ERROR,
      completedAt: expect.any(Date),
    });
    expect(await db().reportRun.findUniqueOrThrow({ where: { id: fresh.id } })).toMatchObject({ status: "running" });
    // An interrupted scheduled run still ends its period: the schedule moves on past it.
    const settings = await db().reportingSettings.findUniqueOrThrow({ where: { organizationId } });
    expect(settings.lastReportAt).toEqual(periodEnd);
  });

  it("the worker registers both schedules on pg-boss cron", async () => {
    const worker = await startWorker([sendDueReportsJob, enforceRetentionJob] as never[]);
    try {
      const schedules = await worker.boss.getSchedules();
      expect(schedules.map((s) => [s.name, s.cron, s.timezone]).sort()).toEqual(
        [
          ["reporting-enforce-retention", "0 3 * * *", "UTC"],
          ["reporting-send-due-reports", "*/15 * * * *", "UTC"],
        ].sort(),
      );
    } finally {
      await worker.stop();
    }
  });
});
