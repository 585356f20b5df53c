"use client";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";
import { usePolling } from "./poll";

const LEVEL_STYLES = {
  healthy: { box: "border-emerald-200 bg-emerald-50", dot: "bg-emerald-500", text: "text-emerald-900" },
  warning: { box: "border-amber-200 bg-amber-50", dot: "bg-amber-500", text: "text-amber-900" },
  critical: { box: "border-red-200 bg-red-50", dot: "bg-red-600", text: "text-red-900" },
} as const;

/** The operator-priority signal: level colour, label, reason and the three counts behind it. */
export function PriorityHero() {
  const signal = trpc.remediation.prioritySignal.useQuery(undefined, usePolling());
  if (!signal.data) {
    return (
      <section aria-label="Priority signal" className="min-h-32 rounded-lg border border-slate-200 bg-white">
        {signal.error ? (
          <ErrorState error={signal.error} onRetry={() => signal.refetch()} />
        ) : (
          <LoadingState minHeight="8rem" />
        )}
      </section>
    );
  }
  const s = signal.data;
  const style = LEVEL_STYLES[s.level];
  const counts = [
    { label: "Pending approvals", value: s.pendingApprovals, testId: "signal-pending" },
    { label: "Active executions", value: s.activeExecutions, testId: "signal-active" },
    { label: "Failed in last 24 h", value: s.failedInLast24h, testId: "signal-failed" },
    // Only while there is that pressure (docs/behaviour.md#override-review): the hero keeps its three counts otherwise.
    ...(s.overdueOverrideReviews > 0
      ? [{ label: "Overdue override reviews", value: s.overdueOverrideReviews, testId: "signal-overdue-reviews" }]
      : []),
  ];
  return (
    <section
      aria-label="Priority signal"
      data-testid="priority-signal"
      data-level={s.level}
      className={`flex min-h-32 flex-col gap-4 rounded-lg border p-5 md:flex-row md:items-center md:justify-between ${style.box}`}
    >
      <div className={style.text}>
        <p className="flex items-center gap-2 text-sm font-medium uppercase tracking-wide">
          <span aria-hidden className={`size-2.5 rounded-full ${style.dot}`} />
          Priority signal
        </p>
        <p data-testid="signal-label" className="mt-1 text-3xl font-semibold">
          {s.label}
        </p>
        <p data-testid="signal-reason" className="mt-1 text-sm">
          {s.reason}
        </p>
      </div>
      <dl className={`grid gap-3 text-center ${counts.length > 3 ? "grid-cols-2 sm:grid-cols-4" : "grid-cols-3"}`}>
        {counts.map((c) => (
          <div key={c.label} className="rounded-md bg-white/70 px-3 py-2 ring-1 ring-black/5">
            <dt className="text-xs text-slate-600">{c.label}</dt>
            <dd data-testid={c.testId} className="text-2xl font-semibold text-slate-900 tabular-nums">
              {c.value.toLocaleString("en-US")}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
