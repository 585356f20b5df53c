"use client";
import { formatNumber, formatPercent } from "@/components/ui/format";
import { ErrorState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";
import { usePolling } from "./poll";

/** Totals by status and the success rate (completed / total, computed by the server). */
export function StatsCards() {
  const stats = trpc.remediation.stats.useQuery(undefined, usePolling());
  if (stats.error && !stats.data) return <ErrorState error={stats.error} onRetry={() => stats.refetch()} />;
  const s = stats.data;
  const cards = [
    { label: "Success rate", value: s ? formatPercent(s.successRate) : "…", testId: "stat-success-rate", wide: true },
    { label: "Total", value: s && formatNumber(s.total), testId: "stat-total" },
    { label: "Pending", value: s && formatNumber(s.pending), testId: "stat-pending" },
    { label: "Queued", value: s && formatNumber(s.queued), testId: "stat-queued" },
    { label: "Executing", value: s && formatNumber(s.executing), testId: "stat-executing" },
    { label: "Completed", value: s && formatNumber(s.completed), testId: "stat-completed" },
    { label: "Failed", value: s && formatNumber(s.failed), testId: "stat-failed" },
    { label: "Rejected", value: s && formatNumber(s.rejected), testId: "stat-rejected" },
  ];
  return (
    <section
      aria-label="Remediation stats"
      aria-busy={!s}
      className="grid grid-cols-2 gap-2 sm:grid-cols-4 md:gap-3 xl:grid-cols-8"
    >
      {cards.map((c) => (
        <div key={c.label} className="rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm md:px-4 md:py-3">
          <p className="text-xs font-medium text-slate-500">{c.label}</p>
          <p data-testid={c.testId} className="text-lg font-semibold text-slate-900 tabular-nums md:mt-1 md:text-2xl">
            {c.value ?? "…"}
          </p>
        </div>
      ))}
    </section>
  );
}
