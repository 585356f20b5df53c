"use client";
import { useFallbackInterval } from "@/components/live/use-live";

/**
 * Control Center reads: refetched by the live stream's events while it is open, polled every
 * 5 s as the fallback while it is not (docs/behaviour.md#ui), so decisions made elsewhere show up.
 */
const POLL_MS = 5_000;

export function usePolling(): { refetchInterval: number | false } {
  return { refetchInterval: useFallbackInterval(POLL_MS) };
}
