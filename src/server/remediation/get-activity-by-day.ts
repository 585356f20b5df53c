import { z } from "zod";
import { ACTION_STATUSES, type ActionStatus, actionStatusSchema } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { countCreatedPerDay } from "@/server/db/stores/actions";

/** The Control Center chart covers the last 14 UTC days, today included. */
export const ACTIVITY_DAYS = 14;
const DAY_MS = 86_400_000;

export const activityDaySchema = z.object({
  /** UTC calendar day, `YYYY-MM-DD`. */
  day: z.string(),
  total: z.number().int(),
  counts: z.record(actionStatusSchema, z.number().int()),
});
type ActivityDay = z.infer<typeof activityDaySchema>;

/** Midnight UTC of the first day in the window. */
function activityWindowStart(now: Date): Date {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (ACTIVITY_DAYS - 1) * DAY_MS);
}

const emptyCounts = (): Record<ActionStatus, number> =>
  Object.fromEntries(ACTION_STATUSES.map((s) => [s, 0])) as Record<ActionStatus, number>;

/**
 * Actions created per UTC day and current status over the last 14 days (the Control Center
 * chart, docs/behaviour.md#ui). Days without actions are filled in here so the chart always
 * shows 14 bars.
 */
export async function getActivityByDay(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
  now: Date = new Date(),
): Promise<ActivityDay[]> {
  const since = activityWindowStart(now);
  const rows = await countCreatedPerDay(db, scope.organizationId, { since, environment: input.environment });

  const days = new Map<string, ActivityDay>();
  for (let i = 0; i < ACTIVITY_DAYS; i++) {
    const day = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    days.set(day, { day, total: 0, counts: emptyCounts() });
  }
  for (const row of rows) {
    const entry = days.get(row.day);
    // A row created "in the future" (clock skew) has no bar; it is not worth a 15th day.
    if (!entry) continue;
    entry.counts[row.status] += row.count;
    entry.total += row.count;
  }
  return [...days.values()];
}
