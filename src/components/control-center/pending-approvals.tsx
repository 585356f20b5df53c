"use client";
import dynamic from "next/dynamic";
import { useEffect } from "react";
import type { Action } from "@/components/remediation/types";
import { useApprovalGate } from "@/components/remediation/use-approval-gate";
import { useContextChanges } from "@/components/remediation/use-context-changes";
import { useMemberNames } from "@/components/remediation/use-members";
import { useShellUser } from "@/components/shell/principal-context";
import { Card } from "@/components/ui/card";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useNow } from "@/components/ui/use-now";
import { hasPermission } from "@/lib/permissions";
import { trpc } from "@/lib/trpc";
import { PendingApprovalRow } from "./pending-approval-row";
import { usePolling } from "./poll";
import { PENDING_QUEUE_INPUT } from "./queries";
import { useInlineDecisions } from "./use-inline-decisions";

const PENDING_LIMIT = PENDING_QUEUE_INPUT.limit;

// The override prompt (a dialog and a form library) is not needed to show the queue: out of the
// first load (docs/architecture.md#first-load-javascript), fetched once the page is up.
const loadApproveDialog = () => import("@/components/remediation/approve-dialog").then((m) => m.ApproveDialog);
const ApproveDialog = dynamic(loadApproveDialog, { ssr: false });

/** Incident titles for the rows' links (cached; one batched request for all distinct incidents). */
function useIncidentTitles(actions: Action[] | undefined): (id: string) => string | undefined {
  const ids = [...new Set((actions ?? []).map((a) => a.incidentId))].slice(0, 50);
  const queries = trpc.useQueries((t) => ids.map((id) => t.incidents.get({ id }, { staleTime: 60_000, retry: false })));
  const titles = new Map(ids.map((id, i) => [id, queries[i]?.data?.title]));
  return (id) => titles.get(id);
}

export function PendingApprovals() {
  const user = useShellUser();
  const canApprove = hasPermission(user.permissions, "remediation:approve");
  const canReject = hasPermission(user.permissions, "remediation:reject");
  const pending = trpc.remediation.list.useQuery(PENDING_QUEUE_INPUT, usePolling());
  const changes = useContextChanges(pending.data);
  const decisions = useInlineDecisions({ onDecided: changes.acknowledge });
  const gate = useApprovalGate();
  const nameOf = useMemberNames();
  const titleOf = useIncidentTitles(pending.data);
  const now = useNow();
  const visibleCount = pending.data?.filter((a) => !decisions.hidden.has(a.id)).length;
  useEffect(() => {
    void loadApproveDialog();
  }, []);

  return (
    <Card
      title={
        <>
          Pending approvals{" "}
          {visibleCount !== undefined && (
            <span
              data-testid="pending-count"
              className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700"
            >
              {visibleCount}
            </span>
          )}
        </>
      }
      headingId="pending-title"
    >
      <QueryState
        query={pending}
        loadingLabel="Loading pending approvals…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No actions are waiting for approval." />}
      >
        {(rows) => (
          <ul aria-label="Pending approvals" className="space-y-2">
            {rows.map((action) => (
              <PendingApprovalRow
                key={action.id}
                action={action}
                hidden={decisions.hidden.has(action.id)}
                incidentTitle={titleOf(action.incidentId)}
                requester={nameOf(action.performedBy)}
                nameOf={nameOf}
                now={now}
                approval={gate(action)}
                changes={changes.changesOf(action)}
                busy={decisions.busy === action.id}
                liveViolations={decisions.violationsById[action.id]?.violations ?? action.approvalContext?.violations}
                needsOverride={decisions.knownViolations(action).length > 0}
                onApprove={canApprove ? () => decisions.approveInline(action) : undefined}
                onReject={canReject ? () => decisions.rejectInline(action) : undefined}
              />
            ))}
          </ul>
        )}
      </QueryState>
      {pending.data && pending.data.length >= PENDING_LIMIT && (
        <p className="mt-2 text-xs text-slate-500">Showing the newest {PENDING_LIMIT} pending actions.</p>
      )}
      <ApproveDialog
        open={decisions.prompt !== null}
        onOpenChange={(open) => !open && decisions.closePrompt()}
        action={decisions.prompt?.action ?? null}
        violations={decisions.prompt?.violations ?? []}
        detail={decisions.prompt?.detail}
        changes={decisions.prompt ? changes.changesOf(decisions.prompt.action) : undefined}
        busy={decisions.overrideBusy}
        error={decisions.promptError}
        onSubmit={decisions.submitOverride}
      />
    </Card>
  );
}
