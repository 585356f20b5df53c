import Link from "next/link";
import type { Ref } from "react";
import { ApprovalProgress, ContextChangeNotice } from "@/components/remediation/approval-progress";
import { type ApprovalState, formatApprovalCount } from "@/components/remediation/approval-state";
import { PolicyVerdict } from "@/components/remediation/policy-verdict";
import { recordedPolicy } from "@/components/remediation/types";
import { SeverityBadge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatAge, formatDateTime, formatParameters } from "@/components/ui/format";
import type { RouterOutputs } from "@/lib/trpc";
import { describeGuardrail } from "./override-wording";

export type QueueRow = RouterOutputs["remediation"]["pendingQueue"]["rows"][number];

export interface PendingApprovalRowProps {
  action: QueueRow;
  /** Optimistically hidden: kept in the layout (invisible) so nothing below jumps. */
  hidden: boolean;
  /** The keyboard selection (j/k): the one row in the tab order, marked aria-selected. */
  selected: boolean;
  /** In the tab order: the selected row, or the first row while none is selected (roving tabindex). */
  tabbable: boolean;
  onSelect: () => void;
  rowRef: Ref<HTMLDivElement>;
  expanded: boolean;
  onToggleDetails: () => void;
  requester: string;
  nameOf: (userId: string) => string;
  now: number;
  /** The signed-in principal's standing on this action: votes so far, and why they may not approve. */
  approval: ApprovalState;
  /** What changed since the operator last saw the row (a refetch or a 409 on approve). */
  changes: string[] | undefined;
  /** A vote short of the quorum is on its way (the row stays). */
  busy: boolean;
  liveViolations: string[] | undefined;
  needsOverride: boolean;
  onApprove: (() => void) | undefined;
  onReject: (() => void) | undefined;
}

const SEVERITY_MARK = {
  CRITICAL: "bg-red-600",
  HIGH: "bg-orange-500",
  MEDIUM: "bg-blue-500",
  LOW: "bg-slate-400",
} as const;

/** What approving would override, in words: the rules and when they end, else the violation sentence. */
function overrideRules(action: QueueRow, needsOverride: boolean, violations: string[], now: number): string[] {
  if (!needsOverride) return [];
  const rules = action.guardrails.map((g) => describeGuardrail(g, now));
  return rules.length > 0 ? rules : violations.slice(0, 1);
}

/**
 * One pending action on one line (docs/behaviour.md#pending-queue): risk marker, action and
 * service, environment, incident, age, votes, the override it would be, Approve/Reject; the
 * governance details (requester, policy verdict, votes, expiry) unfold under it.
 */
export function PendingApprovalRow({
  action,
  hidden,
  selected,
  tabbable,
  onSelect,
  rowRef,
  expanded,
  onToggleDetails,
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
  const violations = liveViolations ?? recordedPolicy(action.details).violations;
  const rules = overrideRules(action, needsOverride, violations, now);
  const detailsId = `pending-details-${action.id}`;
  const riskLabel = `${needsOverride ? "Overrides a guardrail, " : ""}${action.severity} severity`;
  return (
    <div
      role="row"
      ref={rowRef}
      data-testid="pending-row"
      data-action-id={action.id}
      data-override={needsOverride || undefined}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      onFocus={onSelect}
      aria-hidden={hidden || undefined}
      inert={hidden || undefined}
      // Looks: pending-queue.css (selected and override states follow aria-selected / data-override).
      className={hidden ? "q-row invisible" : "q-row"}
    >
      <div role="gridcell" tabIndex={-1} className="q-line">
        <span
          role="img"
          aria-label={riskLabel}
          title={riskLabel}
          data-testid="risk-marker"
          className={`q-risk ${needsOverride ? "bg-amber-500 ring-2 ring-amber-200" : SEVERITY_MARK[action.severity]}`}
        />
        <span className="q-name">
          <Link
            href={`/actions/${action.id}`}
            // Not prefetched: a page of 25 rows, refetched live, would prefetch 25 action pages each time.
            prefetch={false}
            className="q-open"
            title={`${action.actionType} ${formatParameters(action.parameters)}`}
            data-testid="open-action"
          >
            {action.actionType}
          </Link>
          {action.serviceName && <span className="truncate text-slate-600">{action.serviceName}</span>}
        </span>
        <span className="q-env">{action.environment}</span>
        <Link href={`/incidents/${action.incidentId}`} className="q-incident" title={action.incidentTitle ?? undefined}>
          {action.incidentTitle ?? `Incident ${action.incidentId.slice(0, 8)}`}
        </Link>
        <time dateTime={action.createdAt.toISOString()} title={formatDateTime(action.createdAt)} className="q-age">
          {formatAge(action.createdAt, now)}
        </time>
        <span
          data-testid="approval-tally"
          title={approval.blocked ?? formatApprovalCount(approval)}
          className="q-tally"
        >
          {approval.approvals} of {approval.required}
          <span className="sr-only"> approval{approval.required === 1 ? "" : "s"}</span>
        </span>
        {(onApprove || onReject) && (
          <span className="flex shrink-0 gap-1.5">
            {onApprove && (
              <Button
                size="sm"
                variant={needsOverride ? "warning" : "primary"}
                onClick={onApprove}
                busy={busy}
                disabled={approval.blocked !== undefined}
                title={
                  approval.blocked ??
                  (needsOverride ? "Approving overrides a guardrail: a reason is required" : undefined)
                }
                tabIndex={tabbable ? 0 : -1}
              >
                {needsOverride ? "Override…" : "Approve"}
              </Button>
            )}
            {onReject && (
              <Button
                size="sm"
                variant="danger"
                onClick={onReject}
                title={approval.selfRequested ? "Withdraw your own request" : undefined}
                tabIndex={tabbable ? 0 : -1}
              >
                Reject
              </Button>
            )}
          </span>
        )}
        <Button
          size="sm"
          variant="ghost"
          aria-expanded={expanded}
          aria-controls={detailsId}
          onClick={onToggleDetails}
          tabIndex={tabbable ? 0 : -1}
          title={expanded ? "Hide details" : "Show details"}
        >
          <span aria-hidden>{expanded ? "▾" : "▸"}</span>
          <span className="sr-only">Details</span>
        </Button>
      </div>
      {rules.length > 0 && (
        <div
          role="gridcell"
          tabIndex={-1}
          data-testid="override-rule"
          className="px-2.5 pb-1.5 text-xs font-medium text-amber-900"
        >
          <span aria-hidden>⚠ </span>
          Override: {rules.join("; ")}
        </div>
      )}
      {changes && (
        <div role="gridcell" tabIndex={-1} className="px-2.5 pb-2">
          <ContextChangeNotice changes={changes} />
        </div>
      )}
      {expanded && (
        <div
          role="gridcell"
          tabIndex={-1}
          id={detailsId}
          data-testid="pending-details"
          className="grid gap-3 border-t border-slate-100 px-2.5 py-2 md:grid-cols-2"
        >
          <div className="min-w-0 space-y-1 text-xs text-slate-600">
            <p className="truncate font-mono" title={formatParameters(action.parameters)}>
              {formatParameters(action.parameters)}
            </p>
            <p>
              Requested by <span data-testid="requester">{requester}</span> ·{" "}
              <SeverityBadge severity={action.severity} />
            </p>
            {action.approvalContext && (
              <ApprovalProgress context={action.approvalContext} state={approval} nameOf={nameOf} now={now} />
            )}
          </div>
          <PolicyVerdict policy={recordedPolicy(action.details)} liveViolations={liveViolations} />
        </div>
      )}
    </div>
  );
}
