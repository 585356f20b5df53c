import { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { readDecisionTimeByDay } from "@/server/db/stores/approval-metrics";
import { toSeconds } from "./get-approval-metrics";

/** The Control Center's decision-time panel covers the last 14 UTC days, today included. */
export const DECISION_TIME_DAYS = 14;
const DAY_MS = 86_400_000;

export const decisionTimeDaySchema = z.object({
  /** UTC calendar day, `YYYY-MM-DD`. */
  day: z.string(),
  decided: z.number().int(),
  /** null on a day without decisions. */
  p50Seconds: z.number().nullable(),
  p95Seconds: z.number().nullable(),
});
type DecisionTimeDay = z.infer<typeof decisionTimeDaySchema>;

/**
 * p50/p95 time to decision of the decisions made on each of the last 14 UTC days
 * (docs/behaviour.md#approval-metrics): the panel's series, a UI procedure beside the REST
 * endpoint so the contract's answer keeps its exact shape. Days without decisions are filled in
 * here with nulls, so the chart always has 14 points.
 */
export async function getDecisionTimeByDay(
  { db, scope }: { db: Db; scope: OrgScope },
  now: Date = new Date(),
): Promise<DecisionTimeDay[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (DECISION_TIME_DAYS - 1) * DAY_MS);
  const rows = new Map(
    (await readDecisionTimeByDay(db, scope.organizationId, since)).map((row) => [row.day, row] as const),
  );
  return Array.from({ length: DECISION_TIME_DAYS }, (_, i) => {
    const day = new Date(since.getTime() + i * DAY_MS).toISOString().slice(0, 10);
    const row = rows.get(day);
    return {
      day,
      decided: row?.decided ?? 0,
      p50Seconds: row ? toSeconds(row.p50) : null,
      p95Seconds: row ? toSeconds(row.p95) : null,
    };
  });
}
