"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { describeContextChange } from "./context-change";
import type { Action, ApprovalContext } from "./types";

/**
 * What changed on each pending action since the operator last saw it (docs/behaviour.md#approval-context).
 * Every refetch is compared with the context rendered before it — after a 409 on approve, or a
 * poll that brought a new version — and the notice stays until the operator decides again
 * (`acknowledge`), so a changed action is never approved without its card saying what changed.
 */
export function useContextChanges(actions: readonly Action[] | undefined) {
  const seen = useRef(new Map<string, ApprovalContext>());
  // Per action: the context the operator last acted on, while a newer one is shown.
  const [baselines, setBaselines] = useState<Readonly<Record<string, ApprovalContext>>>({});

  useEffect(() => {
    if (!actions) return;
    const moved: Record<string, ApprovalContext> = {};
    for (const action of actions) {
      const context = action.approvalContext;
      if (!context) continue;
      const before = seen.current.get(action.id);
      if (before && before.version !== context.version) moved[action.id] = before;
      seen.current.set(action.id, context);
    }
    // An unacknowledged notice keeps its older baseline: the operator has seen neither change.
    if (Object.keys(moved).length > 0) setBaselines((b) => ({ ...moved, ...b }));
  }, [actions]);

  const changesOf = useCallback(
    (action: Action): string[] | undefined => {
      const baseline = baselines[action.id];
      const context = action.approvalContext;
      if (!baseline || !context) return undefined;
      const lines = describeContextChange(baseline, context);
      return lines.length > 0 ? lines : undefined;
    },
    [baselines],
  );

  const acknowledge = useCallback(
    (id: string) =>
      setBaselines((b) => {
        if (!(id in b)) return b;
        const { [id]: _, ...rest } = b;
        return rest;
      }),
    [],
  );

  return { changesOf, acknowledge };
}
