import Link from "next/link";
import { ActionLabel } from "@/components/remediation/action-label";
import { ApprovalProgress, ContextChangeNotice } from "@/components/remediation/approval-progress";
import type { ApprovalState } from "@/components/remediation/approval-state";
import { PolicyVerdict } from "@/components/remediation/policy-verdict";
import { type Action, recordedPolicy } from "@/components/remediation/types";
import { SeverityBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { RelativeTime } from "@/components/ui/time";

export interface PendingApprovalRowProps {
  action: Action;
  /** Optimistically hidden: kept in the layout (invisible) so nothing below jumps. */
  hidden: boolean;
  incidentTitle: string | undefined;
  requester: string;
  nameOf: (userId: string) => string;
  now: number;
  /** The signed-in principal's standing on this action: votes so far, and why they may not approve. */
  approval: ApprovalState;
  /** What changed since the operator last saw the card (a refetch or a 409 on approve). */
  changes: string[] | undefined;
  /** A vote short of the quorum is on its way (the row stays). */
  busy: boolean;
  liveViolations: string[] | undefined;
  needsOverride: boolean;
  onApprove: (() => void) | undefined;
  onReject: (() => void) | undefined;
}

export function PendingApprovalRow({
  action,
  hidden,
  incidentTitle,
  requester,
  nameOf,
  now,
  approval,
  changes,
  busy,
  liveViolations,
  needsOverride,
  onApprove,
  onReject,
}: PendingApprovalRowProps) {
  return (
    <li
      data-testid="pending-row"
      data-action-id={action.id}
      aria-hidden={hidden || undefined}
      inert={hidden || undefined}
      className={`grid gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] md:items-start ${hidden ? "invisible" : ""}`}
    >
      {changes && (
        <div className="md:col-span-3">
          <ContextChangeNotice changes={changes} />
        </div>
      )}
      <div className="min-w-0 space-y-1">
        <Link
          href={`/incidents/${action.incidentId}`}
          className="block truncate text-sm font-medium text-blue-700 hover:underline"
          title={incidentTitle}
        >
          {incidentTitle ?? `Incident ${action.incidentId.slice(0, 8)}`}
        </Link>
        <Link href={`/actions/${action.id}`} className="block hover:underline" data-testid="open-action">
          <ActionLabel actionType={action.actionType} parameters={action.parameters} />
        </Link>
        <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
          <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{action.environment}</span>
          <SeverityBadge severity={action.severity} />
          <span>
            by <span data-testid="requester">{requester}</span> · <RelativeTime value={action.createdAt} />
          </span>
        </div>
      </div>
      <div className="min-w-0 space-y-2">
        <PolicyVerdict policy={recordedPolicy(action.details)} liveViolations={liveViolations} />
        {action.approvalContext && (
          <ApprovalProgress context={action.approvalContext} state={approval} nameOf={nameOf} now={now} />
        )}
      </div>
      {(onApprove || onReject) && (
        <div className="flex gap-2 md:flex-col md:items-stretch">
          {onApprove && (
            <Button
              size="sm"
              variant={needsOverride ? "secondary" : "primary"}
              onClick={onApprove}
              busy={busy}
              disabled={approval.blocked !== undefined}
              title={approval.blocked}
            >
              {needsOverride ? "Review override…" : "Approve"}
            </Button>
          )}
          {onReject && (
            <Button
              size="sm"
              variant="danger"
              onClick={onReject}
              title={approval.selfRequested ? "Withdraw your own request" : undefined}
            >
              Reject
            </Button>
          )}
        </div>
      )}
    </li>
  );
}
