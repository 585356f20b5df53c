/**
 * The operator-priority signal of the Control Center hero (docs/behaviour.md#priority-signal), pure: counts in,
 * level/label/reason out.
 */

import type { SignalCounts } from "@/server/db/stores/actions";

export type SignalLevel = "healthy" | "warning" | "critical";

export interface PrioritySignal {
  level: SignalLevel;
  label: "Healthy" | "Warning" | "Critical";
  reason: string;
  pendingApprovals: number;
  activeExecutions: number;
  failedInLast24h: number;
  /** Override reviews still pending past their due time (docs/behaviour.md#override-review). */
  overdueOverrideReviews: number;
  /** The 24 h trends the hero shows: pending now − 24 h ago (null with an environment), failures last 24 h − the 24 h before. */
  pendingChange24h: number | null;
  failedChange24h: number;
}

const PRESSURE_THRESHOLDS = { failures: 3, approvals: 3, load: 10 } as const;
const CRITICAL_THRESHOLDS = { failures: 10, approvals: 10 } as const;
const NO_PRESSURE_REASON = "No remediation pressure.";

const LABELS = { healthy: "Healthy", warning: "Warning", critical: "Critical" } as const;

export function computePrioritySignal(counts: SignalCounts): PrioritySignal {
  const {
    pendingApprovals,
    activeExecutions,
    failedInLast24h,
    failedPrevious24h,
    overdueOverrideReviews,
    pendingChange24h,
  } = counts;
  const failurePressure = failedInLast24h >= PRESSURE_THRESHOLDS.failures;
  const approvalPressure = pendingApprovals >= PRESSURE_THRESHOLDS.approvals;
  const loadPressure = activeExecutions >= PRESSURE_THRESHOLDS.load;

  const phrases: string[] = [];
  if (failurePressure) phrases.push(failedInLast24h > failedPrevious24h ? "failures rising" : "failures elevated");
  if (approvalPressure) phrases.push("approval queue growing");
  if (loadPressure) phrases.push("execution load high");
  // One overdue review is already a pressure: an unexamined break-glass is what auditors chase.
  if (overdueOverrideReviews >= 1) phrases.push("override reviews overdue");

  const level: SignalLevel =
    failedInLast24h >= CRITICAL_THRESHOLDS.failures || pendingApprovals >= CRITICAL_THRESHOLDS.approvals
      ? "critical"
      : phrases.length > 0
        ? "warning"
        : "healthy";
  const sentence = phrases.join(" and ");
  const reason = sentence ? `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.` : NO_PRESSURE_REASON;
  return {
    level,
    label: LABELS[level],
    reason,
    pendingApprovals,
    activeExecutions,
    failedInLast24h,
    overdueOverrideReviews,
    pendingChange24h,
    failedChange24h: failedInLast24h - failedPrevious24h,
  };
}
