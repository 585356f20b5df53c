"use client";
import { useState } from "react";
import { failureMessage, toastFailure } from "@/components/ui/failure";
import { toast } from "@/components/ui/toast";
import { trpc } from "@/lib/trpc";
import { isContextConflict } from "./approval-state";
import { toastApprovalFailure, toastApproved } from "./approval-toasts";
import { ApproveDialog } from "./approve-dialog";
import { type Action, recordedPolicy } from "./types";
import { useContextChanges } from "./use-context-changes";
import { useRefreshRemediation } from "./use-refresh";

interface ApproveTarget {
  action: Action;
  violations: string[];
  detail?: string | undefined;
}

/**
 * Approve (through the dialog, optional or override reason) and reject (inline, `rejectReason`)
 * for the pending actions a view shows — the incident's history and the action page share it.
 * Every decision ends in a refetch; what is shown is always the server's row.
 */
export function useActionDecisions(rows: Action[] | undefined, rejectReason: string) {
  const changes = useContextChanges(rows);
  const refresh = useRefreshRemediation();
  const utils = trpc.useUtils();
  const approve = trpc.remediation.approve.useMutation();
  const reject = trpc.remediation.reject.useMutation();
  const [target, setTarget] = useState<ApproveTarget | null>(null);
  const [dialogError, setDialogError] = useState<string>();
  const [rejecting, setRejecting] = useState<string>();

  /** Opens in override mode when the current guardrail check (the approval context) objects. */
  function openApprove(action: Action) {
    setDialogError(undefined);
    setTarget({ action, violations: action.approvalContext?.violations ?? recordedPolicy(action.details).violations });
  }

  /**
   * After a 409 the dialog stays open on the action as it is now (the notice says what changed);
   * the operator's next submit sends the new context version.
   */
  async function reviewAgain(action: Action) {
    const current = await utils.remediation.get.fetch({ id: action.id }, { staleTime: 0 }).catch(() => undefined);
    if (!current?.approvalContext) return setTarget(null);
    const { events: _, ...fresh } = current;
    setTarget({ action: fresh, violations: current.approvalContext.violations });
  }

  async function submitApprove(reason: string | undefined) {
    if (!target) return;
    const { action } = target;
    setDialogError(undefined);
    try {
      // Only the override form (violations shown to the operator) may override guardrails.
      const override = target.violations.length > 0;
      const result = await approve.mutateAsync({
        id: action.id,
        reason,
        override,
        contextVersion: action.approvalContext?.version,
      });
      if (result.status === "POLICY_VIOLATION") {
        // Stay open in override mode: the operator now has to type a reason.
        setTarget({ ...target, violations: result.violations, detail: result.detail });
        toast.error("Approval blocked by policy", { description: result.detail });
        return;
      }
      setTarget(null);
      changes.acknowledge(action.id);
      toastApproved(action, result, override);
    } catch (error) {
      setDialogError(failureMessage(error));
      void utils.policy.get.invalidate();
      toastApprovalFailure(error, () => submitApprove(reason));
      if (isContextConflict(error)) {
        await Promise.all([refresh(), reviewAgain(action)]);
        return;
      }
    }
    await refresh();
  }

  async function rejectInline(action: Action) {
    setRejecting(action.id);
    try {
      await reject.mutateAsync({ id: action.id, reason: rejectReason });
      changes.acknowledge(action.id);
      toast.success(`Rejected ${action.actionType}`);
    } catch (error) {
      toastFailure("Rejection failed", error, () => rejectInline(action));
    }
    await refresh();
    setRejecting(undefined);
  }

  const dialog = (
    <ApproveDialog
      open={target !== null}
      onOpenChange={(open) => !open && setTarget(null)}
      action={target?.action ?? null}
      violations={target?.violations ?? []}
      detail={target?.detail}
      changes={target ? changes.changesOf(target.action) : undefined}
      busy={approve.isPending}
      error={dialogError}
      onSubmit={submitApprove}
    />
  );

  return { changesOf: changes.changesOf, openApprove, rejectInline, rejecting, dialog };
}
