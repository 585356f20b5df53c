"use client";
import { useCallback, useState } from "react";
import { toast } from "sonner";
import type { Action } from "@/components/remediation/types";
import { recordedPolicy } from "@/components/remediation/types";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { trpc } from "@/lib/trpc";

const CONTROL_CENTER_APPROVE_REASON = "Approved from remediation control center.";
const CONTROL_CENTER_REJECT_REASON = "Rejected from remediation control center.";

export interface OverridePrompt {
  action: Action;
  violations: string[];
  detail?: string | undefined;
}

const messageOf = (error: unknown) => (error instanceof Error && error.message ? error.message : "Request failed");

/**
 * Inline approve/reject for the pending list (docs/behaviour.md#ui): the row hides at once, comes back on
 * POLICY_VIOLATION (with the override prompt) or on any error (with the backend message), and
 * every outcome ends in a refetch — the row only disappears for good when the server says so.
 * The one-click approve sends `override: false`, so its default reason never silently overrides a
 * guardrail that appeared since the page loaded: the server answers POLICY_VIOLATION instead.
 */
export function useInlineDecisions() {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [violationsById, setViolationsById] = useState<Record<string, { violations: string[]; detail: string }>>({});
  const [prompt, setPrompt] = useState<OverridePrompt | null>(null);
  const [promptError, setPromptError] = useState<string>();
  const approve = trpc.remediation.approve.useMutation();
  const reject = trpc.remediation.reject.useMutation();
  const refresh = useRefreshRemediation();

  const hide = useCallback((id: string) => setHidden((s) => new Set(s).add(id)), []);
  const restore = useCallback(
    (id: string) =>
      setHidden((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      }),
    [],
  );
  /** Refetch first, then drop the local hide: a row still pending on the server reappears. */
  const settle = useCallback(
    async (id: string) => {
      await refresh().catch(() => undefined);
      restore(id);
    },
    [refresh, restore],
  );

  /** Violations known before clicking: the last POLICY_VIOLATION answer, else those recorded at request time. */
  const knownViolations = useCallback(
    (action: Action) => violationsById[action.id]?.violations ?? recordedPolicy(action.details).violations,
    [violationsById],
  );

  const openPrompt = useCallback(
    (action: Action) => {
      setPromptError(undefined);
      setPrompt({ action, violations: knownViolations(action), detail: violationsById[action.id]?.detail });
    },
    [knownViolations, violationsById],
  );

  /** The server found violations: bring the row back and ask for an override reason. */
  const blocked = useCallback(
    (action: Action, violations: string[], detail: string) => {
      restore(action.id);
      setViolationsById((m) => ({ ...m, [action.id]: { violations, detail } }));
      setPromptError(undefined);
      setPrompt({ action, violations, detail });
      toast.error("Approval blocked by policy", { description: detail });
    },
    [restore],
  );

  const approveInline = useCallback(
    async (action: Action) => {
      if (knownViolations(action).length > 0) return openPrompt(action);
      hide(action.id);
      try {
        const result = await approve.mutateAsync({
          id: action.id,
          reason: CONTROL_CENTER_APPROVE_REASON,
          override: false,
        });
        if (result.status === "POLICY_VIOLATION") {
          blocked(action, result.violations, result.detail);
          void refresh();
          return;
        }
        if (result.status === "QUEUED") toast.success(`Approved ${action.actionType}: QUEUED`);
        else toast.info(`Action is already ${result.status}`);
        await settle(action.id);
      } catch (error) {
        restore(action.id);
        toast.error("Approval failed", { description: messageOf(error) });
        void refresh();
      }
    },
    [approve, blocked, hide, knownViolations, openPrompt, refresh, restore, settle],
  );

  const submitOverride = useCallback(
    async (reason: string | undefined) => {
      if (!prompt) return;
      const { action } = prompt;
      hide(action.id);
      setPromptError(undefined);
      try {
        const result = await approve.mutateAsync({ id: action.id, reason, override: true });
        if (result.status === "POLICY_VIOLATION") {
          restore(action.id);
          setPrompt({ action, violations: result.violations, detail: result.detail });
          setPromptError(result.detail);
          return;
        }
        setPrompt(null);
        if (result.status === "QUEUED") toast.success(`Override approved ${action.actionType}: QUEUED`);
        else toast.info(`Action is already ${result.status}`);
        await settle(action.id);
      } catch (error) {
        restore(action.id);
        setPromptError(messageOf(error));
        toast.error("Approval failed", { description: messageOf(error) });
        void refresh();
      }
    },
    [approve, hide, prompt, refresh, restore, settle],
  );

  const rejectInline = useCallback(
    async (action: Action) => {
      hide(action.id);
      try {
        await reject.mutateAsync({ id: action.id, reason: CONTROL_CENTER_REJECT_REASON });
        toast.success(`Rejected ${action.actionType}`);
        await settle(action.id);
      } catch (error) {
        restore(action.id);
        toast.error("Rejection failed", { description: messageOf(error) });
        void refresh();
      }
    },
    [hide, refresh, reject, restore, settle],
  );

  return {
    hidden,
    knownViolations,
    violationsById,
    approveInline,
    rejectInline,
    prompt,
    promptError,
    closePrompt: () => setPrompt(null),
    submitOverride,
    overrideBusy: approve.isPending && prompt !== null,
  };
}
