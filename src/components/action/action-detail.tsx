"use client";
import Link from "next/link";
import { ActionEvents } from "@/components/incident/action-events";
import { useFallbackInterval } from "@/components/live/use-live";
import { ApprovalProgress, ContextChangeNotice } from "@/components/remediation/approval-progress";
import { PolicyVerdict } from "@/components/remediation/policy-verdict";
import { type Action, recordedPolicy } from "@/components/remediation/types";
import { useActionDecisions } from "@/components/remediation/use-action-decisions";
import { useApprovalGate } from "@/components/remediation/use-approval-gate";
import { useMemberNames } from "@/components/remediation/use-members";
import { useCan } from "@/components/shell/principal-context";
import { SeverityBadge, StatusPill } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatParameters } from "@/components/ui/format";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { useNow } from "@/components/ui/use-now";
import { trpc } from "@/lib/trpc";

const ACTION_PAGE_REJECT_REASON = "Rejected by operator from the action page.";

/**
 * One action on its own page (docs/behaviour.md#operator-ui): the row, its incident, the policy
 * verdict and approval context with the decision controls while it is pending, and its audit
 * events. Follows the live stream (its events invalidate this read); polls only without it.
 */
export function ActionDetail({ id }: { id: string }) {
  const query = trpc.remediation.get.useQuery({ id }, { retry: false, refetchInterval: useFallbackInterval(5_000) });
  const { events: _events, ...action } = query.data ?? { events: [] };
  const row = query.data ? (action as Action) : undefined;
  const decisions = useActionDecisions(row ? [row] : undefined, ACTION_PAGE_REJECT_REASON);
  const gate = useApprovalGate();
  const nameOf = useMemberNames();
  const now = useNow();
  const canApprove = useCan("remediation:approve");
  const canReject = useCan("remediation:reject");

  if (!row) {
    if (query.error) {
      return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
    }
    return <LoadingState label="Loading action…" minHeight="12rem" />;
  }
  const pending = row.status === "PENDING_APPROVAL";
  const approval = gate(row);
  return (
    <div className="space-y-5" data-testid="action-detail" data-action-id={row.id} data-status={row.status}>
      <div>
        <Link href="/control-center" className="text-sm text-blue-700 hover:underline">
          ← Control Center
        </Link>
        <h1 className="mt-1 flex flex-wrap items-center gap-2 text-2xl font-semibold">
          <span>
            {row.actionType} <span className="text-slate-500">·</span> {row.serviceName ?? "—"}
          </span>
          <StatusPill status={row.status} />
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          For incident{" "}
          <Link href={`/incidents/${row.incidentId}`} className="font-medium text-blue-700 hover:underline">
            {row.incidentTitle ?? row.incidentId}
          </Link>
        </p>
      </div>
      <div className="grid gap-5 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card title="Action" headingId="action-facts-title">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm" data-testid="action-facts">
            <dt className="text-slate-500">Type</dt>
            <dd className="font-mono">{row.actionType}</dd>
            <dt className="text-slate-500">Parameters</dt>
            <dd className="font-mono break-all">{formatParameters(row.parameters)}</dd>
            <dt className="text-slate-500">Service</dt>
            <dd>{row.serviceName ?? "—"}</dd>
            <dt className="text-slate-500">Environment</dt>
            <dd className="font-mono">{row.environment}</dd>
            <dt className="text-slate-500">Severity</dt>
            <dd>
              <SeverityBadge severity={row.severity} />
            </dd>
            <dt className="text-slate-500">Status</dt>
            <dd>
              <StatusPill status={row.status} />
            </dd>
            <dt className="text-slate-500">Requested by</dt>
            <dd>{nameOf(row.performedBy)}</dd>
            <dt className="text-slate-500">Requested</dt>
            <dd>
              <RelativeTime value={row.createdAt} />
            </dd>
            <dt className="text-slate-500">Last change</dt>
            <dd>
              <RelativeTime value={row.updatedAt} />
            </dd>
            {row.error && (
              <>
                <dt className="text-slate-500">Error</dt>
                <dd className="text-red-700">{row.error}</dd>
              </>
            )}
          </dl>
        </Card>
        <Card title={pending ? "Approval" : "Policy verdict"} headingId="action-approval-title">
          <div className="space-y-3">
            {pending && <ContextChangeNotice changes={decisions.changesOf(row)} />}
            <PolicyVerdict
              policy={recordedPolicy(row.details)}
              liveViolations={pending ? row.approvalContext?.violations : undefined}
            />
            {pending && row.approvalContext && (
              <ApprovalProgress context={row.approvalContext} state={approval} nameOf={nameOf} now={now} />
            )}
            {pending && (canApprove || canReject) && (
              <div className="flex gap-2">
                {canApprove && (
                  <Button
                    variant="primary"
                    onClick={() => decisions.openApprove(row)}
                    disabled={approval.blocked !== undefined}
                    title={approval.blocked}
                  >
                    Approve…
                  </Button>
                )}
                {canReject && (
                  <Button
                    variant="danger"
                    onClick={() => decisions.rejectInline(row)}
                    busy={decisions.rejecting === row.id}
                  >
                    Reject
                  </Button>
                )}
              </div>
            )}
          </div>
        </Card>
      </div>
      <Card title="Events" headingId="action-events-title">
        <ActionEvents actionId={row.id} updatedAt={row.updatedAt} nameOf={nameOf} />
      </Card>
      {decisions.dialog}
    </div>
  );
}
