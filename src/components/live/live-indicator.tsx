"use client";
import type { LiveStatus } from "./live-connection";
import { useLiveStatus } from "./use-live";

const LABELS: Record<LiveStatus, { text: string; title: string; dot: string }> = {
  live: { text: "Live", title: "Updates arrive as they happen.", dot: "bg-emerald-500" },
  connecting: {
    text: "Connecting…",
    title: "Opening the live stream; refreshing every few seconds.",
    dot: "bg-slate-400",
  },
  reconnecting: {
    text: "Reconnecting…",
    title: "The live stream dropped; refreshing every few seconds until it is back.",
    dot: "bg-amber-500",
  },
  offline: {
    text: "Offline",
    title: "Live updates are unavailable; refreshing every few seconds.",
    dot: "border border-slate-500 bg-transparent",
  },
};

/** The shell's live/offline indicator: a word (not colour alone), announced politely when it changes. */
export function LiveIndicator() {
  const status = useLiveStatus();
  const label = LABELS[status];
  return (
    <span
      role="status"
      aria-live="polite"
      data-testid="live-status"
      data-state={status}
      title={label.title}
      className="inline-flex items-center gap-1.5 rounded-full border border-slate-200 px-2 py-0.5 text-xs text-slate-700"
    >
      <span aria-hidden className={`size-2 rounded-full ${label.dot}`} />
      {label.text}
    </span>
  );
}
