"use client";
import Link from "next/link";
import { ActionLabel } from "@/components/remediation/action-label";
import { ApprovalProgress, ContextChangeNotice } from "@/components/remediation/approval-progress";
import type { ApprovalState } from "@/components/remediation/approval-state";
import { PolicyVerdict } from "@/components/remediation/policy-verdict";
import { type Action, recordedPolicy } from "@/components/remediation/types";
import { StatusPill } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/time";
import { ActionEvents } from "./action-events";

export function HistoryRow({
  action,
  highlighted,
  nameOf,
  now,
  approval,
  changes,
  rejecting,
  onApprove,
  onReject,
}: {
  action: Action;
  highlighted: boolean;
  nameOf: (id: string) => string;
  now: number;
  /** The signed-in principal's standing on this action (votes so far, why they may not approve). */
  approval: ApprovalState;
  /** What changed since the operator last saw the row (a refetch or a 409 on approve). */
  changes: string[] | undefined;
  rejecting: boolean;
  onApprove: (() => void) | undefined;
  onReject: (() => void) | undefined;
}) {
  const pending = action.status === "PENDING_APPROVAL";
  return (
    <li
      id={`action-${action.id}`}
      data-testid="history-row"
      data-action-id={action.id}
      data-highlighted={highlighted ? "true" : undefined}
      aria-current={highlighted ? "true" : undefined}
      className={`rounded-md border p-3 transition-colors ${highlighted ? "border-blue-400 bg-blue-50 ring-2 ring-blue-300" : "border-slate-200"}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="flex min-w-0 items-start gap-2">
          <StatusPill status={action.status} />
          <Link href={`/actions/${action.id}`} className="min-w-0 hover:underline" data-testid="open-action">
            <ActionLabel actionType={action.actionType} parameters={action.parameters} />
          </Link>
        </div>
        <p className="text-xs text-slate-500">
          <RelativeTime value={action.createdAt} /> · by {nameOf(action.performedBy)} ·{" "}
          <span className="font-mono">{action.environment}</span>
        </p>
      </div>
      {highlighted && <p className="mt-1 text-xs font-medium text-blue-800">Newest request</p>}
      {action.error && <p className="mt-1 text-xs text-red-700">{action.error}</p>}
      {pending && (
        <div className="mt-2 space-y-2">
          <ContextChangeNotice changes={changes} />
          <PolicyVerdict policy={recordedPolicy(action.details)} liveViolations={action.approvalContext?.violations} />
          {action.approvalContext && (
            <ApprovalProgress context={action.approvalContext} state={approval} nameOf={nameOf} now={now} />
          )}
          {(onApprove || onReject) && (
            <div className="flex gap-2">
              {onApprove && (
                <Button
                  size="sm"
                  variant="primary"
                  onClick={onApprove}
                  disabled={approval.blocked !== undefined}
                  title={approval.blocked}
                >
                  Approve…
                </Button>
              )}
              {onReject && (
                <Button size="sm" variant="danger" onClick={onReject} busy={rejecting}>
                  Reject
                </Button>
              )}
            </div>
          )}
        </div>
      )}
      <ActionEvents actionId={action.id} updatedAt={action.updatedAt} nameOf={nameOf} />
    </li>
  );
}
