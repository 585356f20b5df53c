"use client";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { ACTION_STATUS_LIST, STATUS_COLORS } from "@/components/ui/badge";
import type { ActionStatus } from "@/lib/schemas";
import { CHART, legendLabel } from "./chart-theme";

export interface ActivityPoint {
  day: string;
  total: number;
  counts: Record<ActionStatus, number>;
}

/** Stacked bars: actions created per day, split by their current status. Loaded lazily (recharts is large). */
export default function ActivityChart({ days }: { days: ActivityPoint[] }) {
  const data = days.map((d) => ({ day: d.day.slice(5), ...d.counts }));
  return (
    <BarChart
      responsive
      data={data}
      style={{ width: "100%", height: 240 }}
      margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART.grid} />
      <XAxis dataKey="day" tick={CHART.tick} interval="preserveStartEnd" />
      <YAxis allowDecimals={false} tick={CHART.tick} />
      <Tooltip {...CHART.tooltip} />
      <Legend wrapperStyle={CHART.legend} formatter={legendLabel} />
      {ACTION_STATUS_LIST.map((status) => (
        <Bar key={status} dataKey={status} stackId="status" fill={STATUS_COLORS[status]} isAnimationActive={false} />
      ))}
    </BarChart>
  );
}
