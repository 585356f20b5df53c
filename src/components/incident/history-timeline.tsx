"use client";
import { useState } from "react";
import { useFallbackInterval } from "@/components/live/use-live";
import { useActionDecisions } from "@/components/remediation/use-action-decisions";
import { useApprovalGate } from "@/components/remediation/use-approval-gate";
import { useMemberNames } from "@/components/remediation/use-members";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useNow } from "@/components/ui/use-now";
import { trpc } from "@/lib/trpc";
import { HistoryRow } from "./history-row";

const INCIDENT_REJECT_REASON = "Rejected by operator from incident investigation view.";
const EVENTS_SHOWN = 20;

/** The incident's actions, newest first, each with its events; decisions from here end in a refetch. */
export function HistoryTimeline({ incidentId, highlightId }: { incidentId: string; highlightId: string | undefined }) {
  // Refetched by the live stream's events for this incident; polled only while it is not open.
  const history = trpc.remediation.history.useQuery({ incidentId }, { refetchInterval: useFallbackInterval(5_000) });
  const canApprove = useCan("remediation:approve");
  const canReject = useCan("remediation:reject");
  const nameOf = useMemberNames();
  const gate = useApprovalGate();
  const now = useNow();
  const decisions = useActionDecisions(history.data, INCIDENT_REJECT_REASON);
  const [showAll, setShowAll] = useState(false);

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
                  changes={decisions.changesOf(action)}
                  rejecting={decisions.rejecting === action.id}
                  onApprove={canApprove ? () => decisions.openApprove(action) : undefined}
                  onReject={canReject ? () => decisions.rejectInline(action) : undefined}
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
      {decisions.dialog}
    </>
  );
}
