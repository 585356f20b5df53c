"use client";
import { useCallback } from "react";
import { useShellUser } from "@/components/shell/principal-context";
import { trpc } from "@/lib/trpc";
import { type ApprovalState, approvalStateOf } from "./approval-state";
import type { Action } from "./types";

/** The signed-in principal's approval state for any pending action (their votes, their own requests). */
export function useApprovalGate(): (action: Action) => ApprovalState {
  const { userId } = useShellUser();
  const policy = trpc.policy.get.useQuery(undefined, { staleTime: 30_000 });
  // Until the policy has loaded, assume the default (on); the server refuses a self-approval anyway.
  // (Not DEFAULT_POLICY: that module brings zod into the Control Center's first load.)
  const separationOfDuties = policy.data?.separationOfDuties ?? true;
  return useCallback(
    (action: Action) => approvalStateOf(action, { userId, separationOfDuties }),
    [userId, separationOfDuties],
  );
}
