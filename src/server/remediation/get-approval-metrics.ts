import { z } from "zod";
import { queryField } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import {
  type ApprovalMetricsRow,
  type DecisionFigures,
  readDecisionFigures,
  readLiveFigures,
} from "@/server/db/stores/approval-metrics";

const DAY_MS = 86_400_000;

export const approvalMetricsInput = z
  .object({
    days: queryField(
      z.coerce
        .number<number | string>({ error: "days must be a number" })
        .int("days must be an integer")
        .min(1, "days must be at least 1")
        .max(90, "days must be at most 90")
        .default(7),
    ),
  })
  .optional()
  .transform((v) => v ?? { days: 7 });

const seconds = z.number().nullable();

export const approvalMetricsSchema = z.object({
  days: z.number().int(),
  decided: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  expired: z.number().int(),
  overridden: z.number().int(),
  timeToDecision: z.object({ p50Seconds: seconds, p95Seconds: seconds, maxSeconds: seconds }),
  oldestPendingSeconds: seconds,
  remindersSent: z.number().int(),
  escalations: z.number().int(),
});
export type ApprovalMetrics = z.infer<typeof approvalMetricsSchema>;

/** Seconds to the millisecond (the timestamps' precision), without float noise; null stays null. */
export function toSeconds(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000;
}

/** The answer's shape from the statement's row (shared with the bench's bare-pg baseline). */
export function approvalMetricsFromRow(days: number, row: ApprovalMetricsRow): ApprovalMetrics {
  return {
    days,
    decided: row.decided,
    approved: row.approved,
    rejected: row.rejected,
    expired: row.expired,
    overridden: row.overridden,
    timeToDecision: { p50Seconds: toSeconds(row.p50), p95Seconds: toSeconds(row.p95), maxSeconds: toSeconds(row.max) },
    oldestPendingSeconds: toSeconds(row.oldestPending),
    remindersSent: row.reminders,
    escalations: row.escalations,
  };
}

interface KeptDecisions {
  version: string;
  /** The oldest decision in the set; null with none. The window may start up to it unchanged. */
  earliest: number | null;
  /** The window start the set was read for: an earlier start could hold more. */
  since: number;
  figures: DecisionFigures;
}

/** Computed decision figures per organization and window length, in this process. */
const kept = new Map<string, KeptDecisions>();
const KEPT_MAX = 2_000;

function keep(key: string, value: KeptDecisions): void {
  kept.delete(key);
  kept.set(key, value);
  // Oldest first: a Map iterates in insertion order.
  if (kept.size > KEPT_MAX) kept.delete(kept.keys().next().value as string);
}

/**
 * GET /remediation/approval-metrics?days= (docs/behaviour.md#approval-metrics): decisions made in
 * the last `days` × 24 h and how long they took, the oldest pending action's age, and the
 * reminders and escalations sent in the window.
 *
 * The decisions' figures (the one part whose work grows with the organization: an exact
 * percentile reads every decision in the window) are kept per organization and window length
 * and reused while they are provably the same set: the organization's decisions version is
 * unchanged (no commit inserted or deleted one since) and the window has not moved past the
 * oldest of them. Every request reads the version, the oldest pending action and the notices
 * (one statement of index probes); a changed set is computed again in a second statement, which
 * reads the version with the figures. The answer is always the one the full computation gives.
 */
export async function getApprovalMetrics(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { days: number },
  now: Date = new Date(),
): Promise<ApprovalMetrics> {
  const since = new Date(now.getTime() - input.days * DAY_MS);
  const key = `${scope.organizationId} ${input.days}`;
  const live = await readLiveFigures(db, scope.organizationId, { since, now });
  const previous = kept.get(key);
  const reusable =
    previous !== undefined &&
    previous.version === live.version &&
    since.getTime() >= previous.since &&
    (previous.earliest === null || since.getTime() <= previous.earliest);
  let figures: DecisionFigures;
  if (reusable) {
    figures = previous.figures;
  } else {
    const { earliest, version, ...computed } = await readDecisionFigures(db, scope.organizationId, since);
    figures = computed;
    keep(key, { version, earliest: earliest?.getTime() ?? null, since: since.getTime(), figures });
  }
  return approvalMetricsFromRow(input.days, { ...figures, ...live });
}
