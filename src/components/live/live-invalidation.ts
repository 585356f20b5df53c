"use client";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef } from "react";
import { trpc } from "@/lib/trpc";
import type { LiveEvent } from "./live-connection";

/** Events arriving together (a burst, a replay) become one refetch of each affected read. */
const COALESCE_MS = 20;
/**
 * The 14-day chart is refetched this long after the first event it has not yet shown, so at most
 * once per interval. Redrawing it costs the browser more than everything else a refetch redraws
 * (recharts, ~100 ms per redraw in Chromium on this project's CI machine kind), and an approval's
 * burst (APPROVED, EXECUTION_STARTED, EXECUTION_SUCCEEDED within a second) would redraw it three
 * times while the rows an operator acts on wait for the same main thread.
 */
const CHART_INTERVAL_MS = 1_500;

interface Pending {
  actions: Set<string>;
  incidents: Set<string>;
  /** An event without an action row: its incident is unknown, so every history is refetched. */
  everyHistory: boolean;
}

const emptyPending = (): Pending => ({ actions: new Set(), incidents: new Set(), everyHistory: false });

/**
 * Turns stream events into React Query invalidations of exactly the reads they change: the
 * action lists (table and pending approvals), stats, priority signal, the incident's history and
 * the single action at once, the activity chart at most once per CHART_INTERVAL_MS. What is shown is always
 * the refetched server row.
 */
export function useLiveInvalidation() {
  const utils = trpc.useUtils();
  const queryClient = useQueryClient();
  const pending = useRef<Pending | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const chartTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const flush = useCallback(() => {
    timer.current = undefined;
    const work = pending.current;
    pending.current = null;
    if (!work) return;
    void Promise.all([
      utils.remediation.list.invalidate(),
      utils.remediation.pendingQueue.invalidate(),
      utils.remediation.stats.invalidate(),
      utils.remediation.prioritySignal.invalidate(),
      // Overrides, reviews and overdue notes are action events too (docs/behaviour.md#override-review).
      utils.overrideReviews.list.invalidate(),
      ...(work.everyHistory
        ? [utils.remediation.history.invalidate()]
        : [...work.incidents].map((incidentId) => utils.remediation.history.invalidate({ incidentId }))),
      ...[...work.actions].map((id) => utils.remediation.get.invalidate({ id })),
    ]);
  }, [utils]);

  const flushChart = useCallback(() => {
    chartTimer.current = undefined;
    void utils.ui.activityByDay.invalidate();
  }, [utils]);

  useEffect(
    () => () => {
      clearTimeout(timer.current);
      clearTimeout(chartTimer.current);
    },
    [],
  );

  return useMemo(
    () => ({
      onEvent(event: LiveEvent) {
        if (!event.actionId) return;
        pending.current ??= emptyPending();
        const work = pending.current;
        work.actions.add(event.actionId);
        if (event.incidentId) work.incidents.add(event.incidentId);
        else work.everyHistory = true;
        timer.current ??= setTimeout(flush, COALESCE_MS);
        chartTimer.current ??= setTimeout(flushChart, CHART_INTERVAL_MS);
      },

      /** `event: reset`: the stream skipped events, so nothing cached can be trusted. */
      onReset() {
        void queryClient.invalidateQueries();
      },

      /** Opened without a resume point: refetch the live reads whose data is older than `before`. */
      onOpenUnresumed(before: number) {
        const withData = {
          predicate: (q: { state: { dataUpdatedAt: number } }) =>
            q.state.dataUpdatedAt > 0 && q.state.dataUpdatedAt < before,
        };
        void Promise.all([
          utils.remediation.list.invalidate(undefined, withData),
          utils.remediation.pendingQueue.invalidate(undefined, withData),
          utils.remediation.stats.invalidate(undefined, withData),
          utils.remediation.prioritySignal.invalidate(undefined, withData),
          utils.ui.activityByDay.invalidate(undefined, withData),
          utils.remediation.history.invalidate(undefined, withData),
          utils.remediation.get.invalidate(undefined, withData),
          utils.overrideReviews.list.invalidate(undefined, withData),
        ]);
      },
    }),
    [flush, flushChart, queryClient, utils],
  );
}
