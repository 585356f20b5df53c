"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import { isContextConflict } from "@/components/remediation/approval-state";
import { toastApprovalFailure, toastApproved } from "@/components/remediation/approval-toasts";
import type { Action } from "@/components/remediation/types";
import { recordedPolicy } from "@/components/remediation/types";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { failureMessage, toastFailure } from "@/components/ui/failure";
import { toast } from "@/components/ui/toast";
import { trpc } from "@/lib/trpc";

const CONTROL_CENTER_APPROVE_REASON = "Approved from remediation control center.";
const CONTROL_CENTER_REJECT_REASON = "Rejected from remediation control center.";

export interface OverridePrompt {
  action: Action;
  violations: string[];
  detail?: string | undefined;
}

/** This vote would complete the quorum, so the row may leave the pending list. */
function completesQuorum(action: Action): boolean {
  const context = action.approvalContext;
  return !context || context.approvals.length + 1 >= context.requiredApprovals;
}

/**
 * Inline approve/reject for the pending list (docs/behaviour.md#ui): a decision that ends the
 * action hides its row at once; it comes back on POLICY_VIOLATION (with the override prompt), on
 * a changed approval context (409: the card says what changed and the operator approves again),
 * or on any error (with the backend message); every outcome ends in a refetch — the row only
 * disappears for good when the server says so. A vote short of the quorum keeps the row, busy.
 * Every approve sends the context version the card shows; the one-click approve also sends
 * `override: false`, so its default reason never silently overrides a guardrail.
 */
export function useInlineDecisions({ onDecided }: { onDecided: (actionId: string) => void }) {
  const [hidden, setHidden] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState<string>();
  const [violationsById, setViolationsById] = useState<Record<string, { violations: string[]; detail: string }>>({});
  const [prompt, setPrompt] = useState<OverridePrompt | null>(null);
  const [promptError, setPromptError] = useState<string>();
  const approve = trpc.remediation.approve.useMutation();
  const reject = trpc.remediation.reject.useMutation();
  const utils = trpc.useUtils();
  const refresh = useRefreshRemediation();
  // A failure toast's Retry repeats the decision through the latest handlers.
  const retry = useRef<{ approve?: (action: Action) => unknown; reject?: (action: Action) => unknown }>({});

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
      setBusy((b) => (b === id ? undefined : b));
    },
    [refresh, restore],
  );

  /**
   * Violations known before clicking: the last POLICY_VIOLATION answer, else the current
   * guardrail check of the approval context, else those recorded at request time.
   */
  const knownViolations = useCallback(
    (action: Action) =>
      violationsById[action.id]?.violations ??
      action.approvalContext?.violations ??
      recordedPolicy(action.details).violations,
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

  /** Marks the action decided by this operator: the card's change notice is acknowledged. */
  const decided = useCallback(
    (id: string) => {
      setViolationsById(({ [id]: _, ...rest }) => rest);
      onDecided(id);
    },
    [onDecided],
  );

  const approveInline = useCallback(
    async (action: Action) => {
      if (knownViolations(action).length > 0) return openPrompt(action);
      if (completesQuorum(action)) hide(action.id);
      setBusy(action.id);
      try {
        const result = await approve.mutateAsync({
          id: action.id,
          reason: CONTROL_CENTER_APPROVE_REASON,
          override: false,
          contextVersion: action.approvalContext?.version,
        });
        if (result.status === "POLICY_VIOLATION") {
          setBusy(undefined);
          blocked(action, result.violations, result.detail);
          void refresh();
          return;
        }
        decided(action.id);
        toastApproved(action, result, false);
        await settle(action.id);
      } catch (error) {
        // A 409 needs no path of its own: the refetch brings the new context, and the card's
        // change notice (useContextChanges) says what moved before the operator approves again.
        restore(action.id);
        setBusy(undefined);
        toastApprovalFailure(error, () => retry.current.approve?.(action));
        void refresh();
        // A 403 may come from a policy changed since it loaded (separation of duties turned on).
        void utils.policy.get.invalidate();
      }
    },
    [approve, blocked, decided, hide, knownViolations, openPrompt, refresh, restore, settle, utils],
  );

  /** After a 409 the prompt shows the action as it is now; its next submit sends the new version. */
  const reopenWithCurrentContext = useCallback(
    async (action: Action) => {
      const current = await utils.remediation.get.fetch({ id: action.id }, { staleTime: 0 }).catch(() => undefined);
      if (!current?.approvalContext) return setPrompt(null);
      const { events: _, ...fresh } = current;
      setPrompt({ action: fresh, violations: current.approvalContext.violations });
    },
    [utils],
  );

  const submitOverride = useCallback(
    async (reason: string | undefined) => {
      if (!prompt) return;
      const { action } = prompt;
      if (completesQuorum(action)) hide(action.id);
      setPromptError(undefined);
      try {
        const result = await approve.mutateAsync({
          id: action.id,
          reason,
          override: true,
          contextVersion: action.approvalContext?.version,
        });
        if (result.status === "POLICY_VIOLATION") {
          restore(action.id);
          setPrompt({ action, violations: result.violations, detail: result.detail });
          setPromptError(result.detail);
          return;
        }
        setPrompt(null);
        decided(action.id);
        toastApproved(action, result, true);
        await settle(action.id);
      } catch (error) {
        restore(action.id);
        setPromptError(failureMessage(error));
        toastApprovalFailure(error);
        void refresh();
        if (isContextConflict(error)) await reopenWithCurrentContext(action);
      }
    },
    [approve, decided, hide, prompt, refresh, reopenWithCurrentContext, restore, settle],
  );

  const rejectInline = useCallback(
    async (action: Action) => {
      hide(action.id);
      try {
        await reject.mutateAsync({ id: action.id, reason: CONTROL_CENTER_REJECT_REASON });
        decided(action.id);
        toast.success(`Rejected ${action.actionType}`);
        await settle(action.id);
      } catch (error) {
        restore(action.id);
        toastFailure("Rejection failed", error, () => retry.current.reject?.(action));
        void refresh();
      }
    },
    [decided, hide, refresh, reject, restore, settle],
  );

  useEffect(() => {
    retry.current = { approve: approveInline, reject: rejectInline };
  }, [approveInline, rejectInline]);

  return {
    hidden,
    busy,
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
