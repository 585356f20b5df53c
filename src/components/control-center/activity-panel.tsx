"use client";
import dynamic from "next/dynamic";
import { Card } from "@/components/ui/card";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";
import { usePolling } from "./poll";

// recharts stays out of the first load; the fixed-height placeholder keeps the layout still.
const ActivityChart = dynamic(() => import("./activity-chart"), {
  ssr: false,
  loading: () => <LoadingState label="Loading chart…" minHeight="240px" />,
});

export function ActivityPanel() {
  const activity = trpc.ui.activityByDay.useQuery(undefined, usePolling());
  const total = activity.data?.reduce((n, d) => n + d.total, 0);
  return (
    <Card title="Actions per day (last 14 days, UTC)" headingId="activity-title">
      <div data-testid="activity-chart" className="h-[240px]">
        {activity.data ? (
          total === 0 ? (
            <p className="flex h-full items-center justify-center text-sm text-slate-500">
              No actions in the last 14 days.
            </p>
          ) : (
            <ActivityChart days={activity.data} />
          )
        ) : activity.error ? (
          <ErrorState error={activity.error} onRetry={() => activity.refetch()} />
        ) : (
          <LoadingState label="Loading activity…" minHeight="240px" />
        )}
      </div>
    </Card>
  );
}
