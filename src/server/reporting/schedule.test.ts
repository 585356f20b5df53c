import { describe, expect, it } from "vitest";
import { isReportDue, manualPeriod, type ScheduleSettings, scheduledPeriod, scheduleSlot } from "./schedule";

const now = new Date("2026-11-28T06:00:00.000Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const settings = (over: Partial<ScheduleSettings>): ScheduleSettings => ({
  scheduledReportEnabled: true,
  reportCadence: "weekly",
  reportRecipients: ["sre@example.com"],
  lastReportAt: null,
  ...over,
});

describe("isReportDue", () => {
  it("is due when enabled with recipients and never sent", () => {
    expect(isReportDue(settings({}), now)).toBe(true);
    expect(isReportDue(settings({ reportCadence: "daily" }), now)).toBe(true);
  });

  it("daily: due once the last report is a day old", () => {
    expect(isReportDue(settings({ reportCadence: "daily", lastReportAt: hoursAgo(23) }), now)).toBe(false);
    expect(isReportDue(settings({ reportCadence: "daily", lastReportAt: hoursAgo(24) }), now)).toBe(true);
    expect(isReportDue(settings({ reportCadence: "daily", lastReportAt: hoursAgo(30) }), now)).toBe(true);
  });

  it("weekly: due once the last report is seven days old", () => {
    expect(isReportDue(settings({ lastReportAt: hoursAgo(24) }), now)).toBe(false);
    expect(isReportDue(settings({ lastReportAt: hoursAgo(7 * 24 - 1) }), now)).toBe(false);
    expect(isReportDue(settings({ lastReportAt: hoursAgo(7 * 24) }), now)).toBe(true);
    expect(isReportDue(settings({ lastReportAt: hoursAgo(30 * 24) }), now)).toBe(true);
  });

  it("is never due when disabled or without recipients", () => {
    expect(isReportDue(settings({ scheduledReportEnabled: false }), now)).toBe(false);
    expect(isReportDue(settings({ scheduledReportEnabled: false, lastReportAt: hoursAgo(999) }), now)).toBe(false);
    expect(isReportDue(settings({ reportRecipients: [] }), now)).toBe(false);
    expect(isReportDue(settings({ reportRecipients: [], lastReportAt: hoursAgo(999) }), now)).toBe(false);
  });
});

describe("schedule periods", () => {
  it("a scheduled period runs from the last report to the current 15-minute tick", () => {
    const last = new Date("2026-11-21T06:00:00.000Z");
    const late = new Date("2026-11-28T06:07:31.000Z");
    expect(scheduledPeriod(settings({ lastReportAt: last }), late)).toEqual({
      start: last,
      end: new Date("2026-11-28T06:00:00.000Z"),
    });
    // The first one covers the last cadence.
    expect(scheduledPeriod(settings({ reportCadence: "daily" }), late)).toEqual({
      start: new Date("2026-11-27T06:00:00.000Z"),
      end: new Date("2026-11-28T06:00:00.000Z"),
    });
  });

  it("the next period is due exactly one cadence later (no drift)", () => {
    const first = scheduledPeriod(settings({}), new Date("2026-11-21T06:00:04.000Z"));
    const tick = new Date("2026-11-28T06:00:02.000Z");
    expect(isReportDue(settings({ lastReportAt: first.end }), tick)).toBe(true);
  });

  it("names one claim per period", () => {
    expect(scheduleSlot({ lastReportAt: null })).toBe("since:never");
    expect(scheduleSlot({ lastReportAt: new Date("2026-11-21T06:00:00.000Z") })).toBe("since:2026-11-21T06:00:00.000Z");
  });

  it("a manual period is the cadence ending now", () => {
    expect(manualPeriod("daily", now)).toEqual({ start: hoursAgo(24), end: now });
    expect(manualPeriod("weekly", now)).toEqual({ start: hoursAgo(7 * 24), end: now });
  });
});
