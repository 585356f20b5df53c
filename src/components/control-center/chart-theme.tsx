import type { ReactNode } from "react";

// Chart colours as the palette's CSS variables, so both themes apply (src/app/dark-theme.css
// remaps them; docs/behaviour.md#ui-accessibility). Text uses the body-text greys, which meet WCAG AA
// on the card in light and dark; series keep their own colours only as swatches and lines.
export const CHART = {
  grid: "var(--color-slate-200)",
  tick: { fontSize: 11, fill: "var(--color-slate-600)" },
  legend: { fontSize: 11 },
  tooltip: {
    contentStyle: { background: "var(--color-white)", borderColor: "var(--color-slate-200)", fontSize: 12 },
    labelStyle: { color: "var(--color-slate-900)" },
  },
  p50: "var(--color-blue-600)",
  p95: "var(--color-red-600)",
} as const;

/**
 * Legend text in the body colour: recharts colours it like its series by default (amber on white
 * is 2:1), which fails AA; the swatch beside it still carries the series colour.
 */
export function legendLabel(value: ReactNode): ReactNode {
  return <span className="text-slate-700">{value}</span>;
}
