"use client";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { LiveConnection, type LiveStatus, type NetworkLike } from "./live-connection";
import { useLiveInvalidation } from "./live-invalidation";
import { LiveStatusContext } from "./use-live";

const browserNetwork: NetworkLike = {
  get onLine() {
    return navigator.onLine;
  },
  addEventListener: (type, listener) => window.addEventListener(type, listener),
  removeEventListener: (type, listener) => window.removeEventListener(type, listener),
};

/**
 * One live stream per browser tab (docs/behaviour.md#live-stream), held while `enabled` (the
 * shell turns it off while signing out). Its events refetch the reads they change; while it is
 * not open, readers poll (useFallbackInterval).
 */
export function LiveProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const [status, setStatus] = useState<LiveStatus>("connecting");
  // The connection outlives renders: it calls the current handlers, never reconnects for new ones.
  const invalidation = useLiveInvalidation();
  const handlers = useRef(invalidation);
  useEffect(() => {
    handlers.current = invalidation;
  }, [invalidation]);

  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") {
      setStatus("offline");
      return;
    }
    const connection = new LiveConnection({
      createSource: (url) => new EventSource(url),
      network: browserNetwork,
      onStatus: setStatus,
      onEvent: (event) => handlers.current.onEvent(event),
      onReset: () => handlers.current.onReset(),
      onOpenUnresumed: (before) => handlers.current.onOpenUnresumed(before),
    });
    connection.start();
    return () => connection.stop();
  }, [enabled]);

  return <LiveStatusContext.Provider value={status}>{children}</LiveStatusContext.Provider>;
}
