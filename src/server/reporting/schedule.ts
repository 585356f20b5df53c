import type { ReportCadence } from "@/lib/reporting-settings";
import type { ReportPeriod } from "./report-contents";

const DAY_MS = 86_400_000;

export const CADENCE_MS: Record<ReportCadence, number> = { daily: DAY_MS, weekly: 7 * DAY_MS };

/** The report schedule ticks every 15 minutes; scheduled periods end on a tick. */
export const SCHEDULE_TICK_MS = 15 * 60_000;

export interface ScheduleSettings {
  scheduledReportEnabled: boolean;
  reportCadence: ReportCadence;
  reportRecipients: readonly string[];
  lastReportAt: Date | null;
}

/**
 * Pure due-ness (docs/behaviour.md#reporting): enabled, with recipients, and never sent or last sent at least one
 * cadence (1 day / 7 days) ago.
 */
export function isReportDue(settings: ScheduleSettings, now: Date): boolean {
  if (!settings.scheduledReportEnabled || settings.reportRecipients.length === 0) return false;
  if (settings.lastReportAt === null) return true;
  return now.getTime() - settings.lastReportAt.getTime() >= CADENCE_MS[settings.reportCadence];
}

/**
 * The claim key of one scheduled period: the period starts where the previous scheduled report
 * ended, so `lastReportAt` names it. A unique (organizationId, scheduleSlot) index turns
 * "two workers saw the same due organization" into one insert and one no-op.
 */
export function scheduleSlot(settings: Pick<ScheduleSettings, "lastReportAt">): string {
  return `since:${settings.lastReportAt?.toISOString() ?? "never"}`;
}

/**
 * A scheduled report covers everything since the previous scheduled report (the first one: the
 * last cadence) up to the current tick. Ending on the tick, not on the moment the worker got to
 * it, keeps the next period due exactly one cadence later instead of drifting by minutes.
 */
export function scheduledPeriod(settings: ScheduleSettings, now: Date): ReportPeriod {
  const end = new Date(Math.floor(now.getTime() / SCHEDULE_TICK_MS) * SCHEDULE_TICK_MS);
  const start = settings.lastReportAt ?? new Date(end.getTime() - CADENCE_MS[settings.reportCadence]);
  return { start, end };
}

/** A manual run covers the organization's cadence ending now (docs/behaviour.md#precise-details). */
export function manualPeriod(cadence: ReportCadence, now: Date): ReportPeriod {
  return { start: new Date(now.getTime() - CADENCE_MS[cadence]), end: now };
}
