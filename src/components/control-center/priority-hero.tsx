"use client";
import Link from "next/link";
import { formatNumber } from "@/components/ui/format";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";
import { usePolling } from "./poll";

const LEVEL_STYLES = {
  healthy: { box: "border-emerald-200 bg-emerald-50", dot: "bg-emerald-500", text: "text-emerald-900" },
  warning: { box: "border-amber-200 bg-amber-50", dot: "bg-amber-500", text: "text-amber-900" },
  critical: { box: "border-red-200 bg-red-50", dot: "bg-red-600", text: "text-red-900" },
} as const;

interface HeroCount {
  label: string;
  value: number;
  testId: string;
  /** The filtered list behind the count (the actions table reads `status` from the URL). */
  href: string;
  trend?: { change: number; against: string } | undefined;
}

/** "▲ 3 vs 24 h ago": the change the server computed (docs/behaviour.md#priority-signal). */
function Trend({ change, against, testId }: { change: number; against: string; testId: string }) {
  const shown = change === 0 ? `= same as ${against}` : `${change > 0 ? "▲" : "▼"} ${Math.abs(change)} vs ${against}`;
  const spoken =
    change === 0 ? `same as ${against}` : `${Math.abs(change)} ${change > 0 ? "more" : "fewer"} than ${against}`;
  return (
    <dd data-testid={testId} className="text-xs text-slate-600 tabular-nums" title={spoken}>
      <span aria-hidden>{shown}</span>
      <span className="sr-only">{spoken}</span>
    </dd>
  );
}

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
  const counts: HeroCount[] = [
    {
      label: "Pending approvals",
      value: s.pendingApprovals,
      testId: "signal-pending",
      href: "/control-center?status=PENDING_APPROVAL#actions",
      trend: s.pendingChange24h === null ? undefined : { change: s.pendingChange24h, against: "24 h ago" },
    },
    {
      label: "Active executions",
      value: s.activeExecutions,
      testId: "signal-active",
      href: "/control-center?status=EXECUTING#actions",
    },
    {
      label: "Failed in last 24 h",
      value: s.failedInLast24h,
      testId: "signal-failed",
      href: "/control-center?status=FAILED#actions",
      trend: { change: s.failedChange24h, against: "previous 24 h" },
    },
    // Only while there is that pressure (docs/behaviour.md#override-review): the hero keeps its three counts otherwise.
    ...(s.overdueOverrideReviews > 0
      ? [
          {
            label: "Overdue override reviews",
            value: s.overdueOverrideReviews,
            testId: "signal-overdue-reviews",
            href: "/control-center#override-reviews",
          },
        ]
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
              <Link
                href={c.href}
                className="rounded hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
                aria-label={`${formatNumber(c.value)} ${c.label.toLowerCase()}: show them`}
              >
                {formatNumber(c.value)}
              </Link>
            </dd>
            {c.trend && <Trend testId={`${c.testId}-trend`} {...c.trend} />}
          </div>
        ))}
      </dl>
    </section>
  );
}
