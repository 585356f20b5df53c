"use client";
import { useCallback } from "react";
import { trpc } from "@/lib/trpc";

/**
 * Every mutation ends here: refetch the server truth (actions, pending list, history, stats,
 * signal, chart) before the UI trusts anything. Resolves when the active queries have refetched.
 */
export function useRefreshRemediation(): () => Promise<void> {
  const utils = trpc.useUtils();
  return useCallback(async () => {
    await Promise.all([utils.remediation.invalidate(), utils.ui.activityByDay.invalidate()]);
  }, [utils]);
}
