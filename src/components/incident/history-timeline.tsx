"use client";
import { useState } from "react";
import { toast } from "sonner";
import { ApproveDialog } from "@/components/remediation/approve-dialog";
import { type Action, recordedPolicy } from "@/components/remediation/types";
import { useMemberNames } from "@/components/remediation/use-members";
import { usePolicyCheck } from "@/components/remediation/use-policy-check";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { EmptyState, QueryState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";
import { HistoryRow } from "./history-row";

const INCIDENT_REJECT_REASON = "Rejected by operator from incident investigation view.";
const EVENTS_SHOWN = 20;

interface ApproveTarget {
  action: Action;
  violations: string[];
  detail?: string | undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : "Request failed");

/** The incident's actions, newest first, each with its events; decisions from here end in a refetch. */
export function HistoryTimeline({ incidentId, highlightId }: { incidentId: string; highlightId: string | undefined }) {
  const history = trpc.remediation.history.useQuery({ incidentId }, { refetchInterval: 5_000 });
  const canApprove = useCan("remediation:approve");
  const canReject = useCan("remediation:reject");
  const nameOf = useMemberNames();
  const refresh = useRefreshRemediation();
  const approve = trpc.remediation.approve.useMutation();
  const reject = trpc.remediation.reject.useMutation();
  const checkPolicy = usePolicyCheck();
  const [target, setTarget] = useState<ApproveTarget | null>(null);
  const [dialogError, setDialogError] = useState<string>();
  const [rejecting, setRejecting] = useState<string>();
  const [showAll, setShowAll] = useState(false);

  /** Opens with the recorded verdict, then switches to override mode if the current policy objects. */
  function openApprove(action: Action) {
    setDialogError(undefined);
    setTarget({ action, violations: recordedPolicy(action.details).violations });
    checkPolicy(action)
      .then((check) => {
        if (check.violations.length > 0) {
          setTarget((t) =>
            t?.action.id === action.id ? { action, violations: check.violations, detail: check.detail } : t,
          );
        }
      })
      .catch(() => undefined);
  }

  async function submitApprove(reason: string | undefined) {
    if (!target) return;
    setDialogError(undefined);
    try {
      // Only the override form (violations shown to the operator) may override guardrails.
      const override = target.violations.length > 0;
      const result = await approve.mutateAsync({ id: target.action.id, reason, override });
      if (result.status === "POLICY_VIOLATION") {
        // Stay open in override mode: the operator now has to type a reason.
        setTarget({ ...target, violations: result.violations, detail: result.detail });
        toast.error("Approval blocked by policy", { description: result.detail });
        return;
      }
      setTarget(null);
      if (result.status === "QUEUED") toast.success(`Approved ${target.action.actionType}: QUEUED`);
      else toast.info(`Action is already ${result.status}`);
    } catch (error) {
      setDialogError(messageOf(error));
      toast.error("Approval failed", { description: messageOf(error) });
    }
    await refresh();
  }

  async function rejectInline(action: Action) {
    setRejecting(action.id);
    try {
      await reject.mutateAsync({ id: action.id, reason: INCIDENT_REJECT_REASON });
      toast.success(`Rejected ${action.actionType}`);
    } catch (error) {
      toast.error("Rejection failed", { description: messageOf(error) });
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
        busy={approve.isPending}
        error={dialogError}
        onSubmit={submitApprove}
      />
    </>
  );
}
