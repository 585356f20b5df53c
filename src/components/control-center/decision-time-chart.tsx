"use client";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatDuration } from "@/components/ui/format";
import { CHART, legendLabel } from "./chart-theme";

export interface DecisionTimePoint {
  day: string;
  decided: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
}

const minutes = (seconds: number | null) => (seconds === null ? null : Math.round(seconds / 6) / 10);

/** p50 and p95 time to decision per day, in minutes (gaps on days without decisions). Loaded lazily. */
export default function DecisionTimeChart({ days }: { days: DecisionTimePoint[] }) {
  const data = days.map((d) => ({ day: d.day.slice(5), p50: minutes(d.p50Seconds), p95: minutes(d.p95Seconds) }));
  return (
    <LineChart
      responsive
      data={data}
      style={{ width: "100%", height: 200 }}
      margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART.grid} />
      <XAxis dataKey="day" tick={CHART.tick} interval="preserveStartEnd" />
      <YAxis tick={CHART.tick} unit=" m" />
      <Tooltip
        {...CHART.tooltip}
        formatter={(value) => formatDuration(typeof value === "number" ? value * 60 : null)}
      />
      <Legend wrapperStyle={CHART.legend} formatter={legendLabel} />
      <Line dataKey="p50" name="p50" stroke={CHART.p50} dot={{ r: 2 }} isAnimationActive={false} />
      <Line dataKey="p95" name="p95" stroke={CHART.p95} dot={{ r: 2 }} isAnimationActive={false} />
    </LineChart>
  );
}
