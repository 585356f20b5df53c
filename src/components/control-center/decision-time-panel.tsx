"use client";
import dynamic from "next/dynamic";
import { Card } from "@/components/ui/card";
import { formatDuration } from "@/components/ui/format";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";
import { usePolling } from "./poll";

const DecisionTimeChart = dynamic(() => import("./decision-time-chart"), {
  ssr: false,
  loading: () => <LoadingState label="Loading chart…" minHeight="200px" />,
});

// Each query alone (not in the hero's batch), so this panel never delays what is above it.
const ALONE = { trpc: { context: { skipBatch: true } } };

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd data-testid={testId} className="text-lg font-semibold text-slate-900">
        {value}
      </dd>
    </div>
  );
}

/** Time to decision per day (p50/p95), the oldest pending approval, reminders and escalations (docs/behaviour.md#approval-metrics). */
export function DecisionTimePanel() {
  const polling = usePolling();
  const days = trpc.ui.decisionTimeByDay.useQuery(undefined, { ...polling, ...ALONE });
  const metrics = trpc.remediation.approvalMetrics.useQuery({ days: 14 }, { ...polling, ...ALONE });
  const decided = days.data?.reduce((n, d) => n + d.decided, 0);
  return (
    <Card title="Time to decision (last 14 days, UTC)" headingId="decision-time-title">
      <div data-testid="decision-time-panel" className="space-y-4">
        {metrics.data ? (
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Figure label="Decided" value={String(metrics.data.decided)} testId="decision-decided" />
            <Figure
              label="Oldest pending"
              value={formatDuration(metrics.data.oldestPendingSeconds)}
              testId="decision-oldest-pending"
            />
            <Figure label="Reminders sent" value={String(metrics.data.remindersSent)} testId="decision-reminders" />
            <Figure label="Escalations" value={String(metrics.data.escalations)} testId="decision-escalations" />
          </dl>
        ) : metrics.error ? (
          <ErrorState error={metrics.error} onRetry={() => metrics.refetch()} />
        ) : (
          <LoadingState label="Loading approval metrics…" minHeight="3.5rem" />
        )}
        <div data-testid="decision-time-chart" className="h-[200px]">
          {days.data ? (
            decided === 0 ? (
              <p className="flex h-full items-center justify-center text-sm text-slate-500">
                No approval decisions in the last 14 days.
              </p>
            ) : (
              <DecisionTimeChart days={days.data} />
            )
          ) : days.error ? (
            <ErrorState error={days.error} onRetry={() => days.refetch()} />
          ) : (
            <LoadingState label="Loading decision times…" minHeight="200px" />
          )}
        </div>
      </div>
    </Card>
  );
}
