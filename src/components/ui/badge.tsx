import type { ReactNode } from "react";
import type { ActionStatus, Severity } from "@/lib/schemas";

export type Tone = "slate" | "blue" | "amber" | "green" | "red" | "violet";

const TONES: Record<Tone, string> = {
  slate: "bg-slate-100 text-slate-700 ring-slate-200",
  blue: "bg-blue-50 text-blue-700 ring-blue-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  red: "bg-red-50 text-red-700 ring-red-200",
  violet: "bg-violet-50 text-violet-700 ring-violet-200",
};

export function Badge({ tone = "slate", children, testId }: { tone?: Tone; children: ReactNode; testId?: string }) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${TONES[tone]}`}
    >
      {children}
    </span>
  );
}

const STATUS_TONES: Record<ActionStatus, Tone> = {
  PENDING_APPROVAL: "amber",
  QUEUED: "blue",
  EXECUTING: "violet",
  COMPLETED: "green",
  FAILED: "red",
  REJECTED: "slate",
};

/**
 * Every action status, in lifecycle order. Derived from the typed map above (exhaustive by
 * construction) so client bundles do not pull zod in just for the list.
 */
export const ACTION_STATUS_LIST = Object.keys(STATUS_TONES) as ActionStatus[];

/** The action's status exactly as the API spells it, coloured by its meaning. */
export function StatusPill({ status }: { status: ActionStatus }) {
  return (
    <Badge tone={STATUS_TONES[status]} testId="action-status">
      {status}
    </Badge>
  );
}

/**
 * Severity has its own palette and shape — solid and square-cornered — so it never
 * reads as a status pill (soft, round) next to one: grey → yellow → orange → red as urgency rises.
 */
const SEVERITY_STYLES: Record<Severity, string> = {
  LOW: "bg-slate-600 text-white",
  MEDIUM: "bg-yellow-300 text-yellow-950",
  HIGH: "bg-orange-700 text-white",
  CRITICAL: "bg-red-700 text-white",
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span
      data-testid="severity"
      data-severity={severity}
      className={`inline-flex items-center rounded-sm px-1.5 py-0.5 text-[11px] font-semibold tracking-wide whitespace-nowrap ${SEVERITY_STYLES[severity]}`}
    >
      {severity}
    </span>
  );
}

/** An incident's status: open ones need attention, resolved ones are done. */
export function IncidentStatusBadge({ status }: { status: "OPEN" | "RESOLVED" }) {
  return (
    <Badge tone={status === "OPEN" ? "amber" : "green"} testId="incident-status">
      {status}
    </Badge>
  );
}

export const STATUS_COLORS: Record<ActionStatus, string> = {
  PENDING_APPROVAL: "#f59e0b",
  QUEUED: "#3b82f6",
  EXECUTING: "#8b5cf6",
  COMPLETED: "#10b981",
  FAILED: "#ef4444",
  REJECTED: "#94a3b8",
};
