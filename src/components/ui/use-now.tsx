"use client";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";

/**
 * The time the server rendered the page at, for pages rendered with their data
 * (docs/architecture.md#server-rendered-data): the browser's first render must print the same
 * "12s ago" as the HTML it hydrates, or React discards the server's markup.
 */
const RenderTimeContext = createContext<number | null>(null);

export function RenderTimeProvider({ at, children }: { at: number; children: ReactNode }) {
  return <RenderTimeContext.Provider value={at}>{children}</RenderTimeContext.Provider>;
}

/** The current time, re-read every `intervalMs`, so "5 min ago" labels stay true. */
export function useNow(intervalMs = 15_000): number {
  const renderedAt = useContext(RenderTimeContext);
  const [now, setNow] = useState(() => renderedAt ?? Date.now());
  useEffect(() => {
    // After hydration: the real time at once, not `intervalMs` later.
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
