"use client";
import { useState } from "react";
import { toast } from "sonner";
import { useFallbackInterval } from "@/components/live/use-live";
import { isContextConflict } from "@/components/remediation/approval-state";
import { toastApprovalFailure, toastApproved } from "@/components/remediation/approval-toasts";
import { ApproveDialog } from "@/components/remediation/approve-dialog";
import { type Action, recordedPolicy } from "@/components/remediation/types";
import { useApprovalGate } from "@/components/remediation/use-approval-gate";
import { useContextChanges } from "@/components/remediation/use-context-changes";
import { useMemberNames } from "@/components/remediation/use-members";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { failureMessage, toastFailure } from "@/components/ui/failure";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useNow } from "@/components/ui/use-now";
import { trpc } from "@/lib/trpc";
import { HistoryRow } from "./history-row";

const INCIDENT_REJECT_REASON = "Rejected by operator from incident investigation view.";
const EVENTS_SHOWN = 20;

interface ApproveTarget {
  action: Action;
  violations: string[];
  detail?: string | undefined;
}

/** The incident's actions, newest first, each with its events; decisions from here end in a refetch. */
export function HistoryTimeline({ incidentId, highlightId }: { incidentId: string; highlightId: string | undefined }) {
  // Refetched by the live stream's events for this incident; polled only while it is not open.
  const history = trpc.remediation.history.useQuery({ incidentId }, { refetchInterval: useFallbackInterval(5_000) });
  const canApprove = useCan("remediation:approve");
  const canReject = useCan("remediation:reject");
  const nameOf = useMemberNames();
  const gate = useApprovalGate();
  const changes = useContextChanges(history.data);
  const now = useNow();
  const refresh = useRefreshRemediation();
  const utils = trpc.useUtils();
  const approve = trpc.remediation.approve.useMutation();
  const reject = trpc.remediation.reject.useMutation();
  const [target, setTarget] = useState<ApproveTarget | null>(null);
  const [dialogError, setDialogError] = useState<string>();
  const [rejecting, setRejecting] = useState<string>();
  const [showAll, setShowAll] = useState(false);

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
      await reject.mutateAsync({ id: action.id, reason: INCIDENT_REJECT_REASON });
      changes.acknowledge(action.id);
      toast.success(`Rejected ${action.actionType}`);
    } catch (error) {
      toastFailure("Rejection failed", error, () => rejectInline(action));
    }
    await refresh();
    setRejecting(undefined);
  }

  return (
    <>
      <QueryState
        query={history}
        loadingLabel="Loading history…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No remediation requested for this incident yet." />}
      >
        {(rows) => (
          <>
            <ol aria-label="Remediation history" className="space-y-2">
              {(showAll ? rows : rows.slice(0, EVENTS_SHOWN)).map((action) => (
                <HistoryRow
                  key={action.id}
                  action={action}
                  highlighted={action.id === highlightId}
                  nameOf={nameOf}
                  now={now}
                  approval={gate(action)}
                  changes={changes.changesOf(action)}
                  rejecting={rejecting === action.id}
                  onApprove={canApprove ? () => openApprove(action) : undefined}
                  onReject={canReject ? () => rejectInline(action) : undefined}
                />
              ))}
            </ol>
            {!showAll && rows.length > EVENTS_SHOWN && (
              <Button size="sm" variant="ghost" className="mt-2" onClick={() => setShowAll(true)}>
                Show all {rows.length} actions
              </Button>
            )}
          </>
        )}
      </QueryState>
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
    </>
  );
}
