"use client";
import { useCallback } from "react";
import type { ActionType } from "@/lib/action-catalog";
import { trpc } from "@/lib/trpc";
import type { Action } from "./types";

export interface PolicyCheck {
  violations: string[];
  detail: string;
}

/**
 * The current policy's verdict on a pending action (policy.evaluate, stores nothing), so the
 * approve dialog shows guardrails that appeared since the request before anyone clicks.
 */
export function usePolicyCheck(): (action: Action) => Promise<PolicyCheck> {
  const { mutateAsync } = trpc.policy.evaluate.useMutation();
  return useCallback(
    async (action: Action) => {
      const verdict = await mutateAsync({
        incidentId: action.incidentId,
        // Stored actions were validated against the catalog when requested.
        actionType: action.actionType as ActionType,
        parameters: action.parameters,
        serviceName: action.serviceName,
        environment: action.environment,
        severity: action.severity,
      });
      return { violations: verdict.violations, detail: verdict.detail };
    },
    [mutateAsync],
  );
}
