"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { useForm } from "react-hook-form";
import { ErrorState } from "@/components/ui/states";
import { type RouterOutputs, trpc } from "@/lib/trpc";
import { type PolicyFormValues, type PolicyUpdate, policyDraft } from "./policy-form";
import { SimulationResult } from "./policy-impact-result";

export const SIMULATION_DAYS = [7, 30, 90] as const;
export type SimulationDays = (typeof SIMULATION_DAYS)[number];
export type Simulation = RouterOutputs["policy"]["simulate"];

const SAMPLE_LIMIT = 50;
const DEBOUNCE_MS = 500;

type Utils = ReturnType<typeof trpc.useUtils>;

/**
 * One draft's replay (policy.simulate, docs/behaviour.md#policy-simulate) as a cached query: the
 * live panel and the check before saving share the entry, so Save asks about exactly the numbers
 * on screen. A read despite being a POST (the draft is a body); a newer draft aborts the older.
 */
export function simulationQuery(utils: Utils, input: { draft: PolicyUpdate; days: SimulationDays; version: number }) {
  return {
    queryKey: ["policy.simulate", input.version, input.days, JSON.stringify(input.draft)] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      utils.client.policy.simulate.mutate(
        { policy: input.draft, days: input.days, sampleLimit: SAMPLE_LIMIT },
        { signal },
      ),
    staleTime: 30_000,
  };
}

/**
 * The form's values as a valid draft, settled for DEBOUNCE_MS after the last change (`undefined`
 * while invalid). Watches without re-rendering the form, so typing never waits on it.
 */
export function useSettledDraft(
  form: ReturnType<typeof useForm<PolicyFormValues, unknown, PolicyUpdate>>,
  loadedVersion: number | undefined,
) {
  const [draft, setDraft] = useState<{ value: PolicyUpdate | undefined; settling: boolean }>({
    value: undefined,
    settling: true,
  });
  useEffect(() => {
    if (loadedVersion === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = () => {
      clearTimeout(timer);
      setDraft((d) => (d.settling ? d : { ...d, settling: true }));
      timer = setTimeout(() => {
        const value = policyDraft(form.getValues());
        setDraft((d) =>
          JSON.stringify(d.value) === JSON.stringify(value) ? { ...d, settling: false } : { value, settling: false },
        );
      }, DEBOUNCE_MS);
    };
    schedule();
    const subscription = form.watch(schedule);
    return () => {
      subscription.unsubscribe();
      clearTimeout(timer);
    };
  }, [form, loadedVersion]);
  return draft;
}

/** The settled draft's simulation; the previous result stays on screen (dimmed) while the next one runs. */
export function usePolicySimulation(draft: PolicyUpdate | undefined, days: SimulationDays, version: number) {
  const utils = trpc.useUtils();
  return useQuery({
    ...simulationQuery(utils, { draft: draft ?? {}, days, version }),
    enabled: draft !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/**
 * "What would have changed": the draft replayed over the window's real requests, each compared
 * with the version that judged it. Never blocks the form: it follows the settled draft.
 */
export function PolicyImpact({
  simulation,
  draft,
  settling,
  days,
  onDaysChange,
}: {
  simulation: ReturnType<typeof usePolicySimulation>;
  draft: PolicyUpdate | undefined;
  settling: boolean;
  days: SimulationDays;
  onDaysChange: (days: SimulationDays) => void;
}) {
  const busy = settling || simulation.isFetching;
  const status =
    draft === undefined && !settling ? "Fix the fields above to see the impact." : busy ? "Simulating…" : "";
  return (
    <section
      aria-labelledby="policy-impact-title"
      data-testid="policy-impact"
      data-state={busy ? "busy" : simulation.isError ? "error" : "idle"}
      className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 id="policy-impact-title" className="text-sm font-semibold text-slate-900">
          What would have changed (last {days} days)
        </h3>
        <label className="flex items-center gap-2 text-xs text-slate-600">
          Window
          <select
            aria-label="Simulation window"
            className="rounded-md border border-slate-300 bg-white px-2 py-1 text-xs"
            value={days}
            onChange={(e) => onDaysChange(Number(e.target.value) as SimulationDays)}
          >
            {SIMULATION_DAYS.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="text-xs text-slate-500">
        Every request of the window replayed against this draft and compared with the policy version that decided it.{" "}
        <span role="status" aria-live="polite" className="font-medium text-slate-700">
          {status}
        </span>
      </p>
      {simulation.isError && draft !== undefined && (
        <ErrorState error={simulation.error} onRetry={() => simulation.refetch()} />
      )}
      {simulation.data && (
        <div className={simulation.isPlaceholderData || draft === undefined ? "opacity-60" : undefined}>
          <SimulationResult data={simulation.data} />
        </div>
      )}
    </section>
  );
}
