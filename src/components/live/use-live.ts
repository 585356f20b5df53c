"use client";
import { createContext, useContext } from "react";
import type { LiveStatus } from "./live-connection";

/** Outside the app shell there is no stream: every reader falls back to polling. */
export const LiveStatusContext = createContext<LiveStatus>("offline");

/** The live stream's state, for the shell's indicator. */
export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}

/**
 * A query's `refetchInterval`: `false` while the stream is open (its events refetch what they
 * change), `ms` as the fallback while it is not (docs/behaviour.md#ui).
 */
export function useFallbackInterval(ms: number): number | false {
  return useLiveStatus() === "live" ? false : ms;
}
