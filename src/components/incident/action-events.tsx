"use client";
import { useEffect } from "react";
import type { ActionEvent } from "@/components/remediation/types";
import { formatDateTime } from "@/components/ui/format";
import { ShortHash } from "@/components/ui/short-hash";
import { trpc } from "@/lib/trpc";

const EVENT_LABELS: Record<string, string> = {
  REQUESTED: "Requested",
  APPROVAL_BLOCKED: "Approval blocked by policy",
  APPROVAL_RECORDED: "Approval recorded",
  APPROVED: "Approved",
  OVERRIDDEN: "Approved with policy override",
  REJECTED: "Rejected",
  EXPIRED: "Expired without a decision",
  EXECUTION_STARTED: "Execution started",
  EXECUTION_RETRY: "Execution retry",
  EXECUTION_SUCCEEDED: "Execution succeeded",
  EXECUTION_FAILED: "Execution failed",
  OVERRIDE_REVIEWED: "Override reviewed",
  OVERRIDE_REVIEW_OVERDUE: "Override review overdue",
  APPROVAL_REMINDER_SENT: "Approval reminder sent",
  APPROVAL_ESCALATED: "Approval escalated",
};

/** The event's label; a vote short of the quorum says how far it got (`Approval recorded (1 of 2)`). */
function eventLabel(event: ActionEvent): string {
  const label = EVENT_LABELS[event.type] ?? event.type;
  const { approvals, requiredApprovals } = event.data as { approvals?: unknown; requiredApprovals?: unknown };
  return event.type === "APPROVAL_RECORDED" && typeof approvals === "number" && typeof requiredApprovals === "number"
    ? `${label} (${approvals} of ${requiredApprovals})`
    : label;
}

function eventNote(event: ActionEvent): string | undefined {
  const { reason, detail, error, outcome, note } = event.data as Record<string, unknown>;
  const parts = [
    typeof reason === "string" && reason ? `Reason: ${reason}` : undefined,
    // An override review (docs/behaviour.md#override-review): its outcome and the reviewer's note.
    typeof outcome === "string" && typeof note === "string" ? `${outcome}: ${note}` : undefined,
    typeof detail === "string" && detail ? detail : undefined,
    typeof error === "string" && error ? error : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(" — ") : undefined;
}

/**
 * Events are sealed moments after commit (docs/audit.md#sealing): while one has no seq yet, re-read
 * every second, then every 10 s, so a sealer that is down does not keep every timeline at 1 s.
 */
function sealingPollMs(events: ActionEvent[] | undefined, updates: number): number | false {
  if (!events?.some((e) => e.seq === null)) return false;
  return updates < 10 ? 1_000 : 10_000;
}

/** The event's place in the audit chain: `#42` and the hash's start, or "sealing…" until it has one. */
function EventSeal({ event }: { event: ActionEvent }) {
  return (
    <span data-testid="event-seal" className="min-w-[8.5rem] shrink-0 text-right font-mono text-[11px] text-slate-500">
      {event.seq !== null && event.hash !== null ? (
        <>
          <span data-testid="event-seq" className="tabular-nums">
            #{event.seq}
          </span>{" "}
          <ShortHash value={event.hash} testId="event-hash" />
        </>
      ) : (
        <span className="text-slate-400 italic">sealing…</span>
      )}
    </span>
  );
}

/** An action's immutable events, oldest first; refetched whenever the action row changes. */
export function ActionEvents({
  actionId,
  updatedAt,
  nameOf,
}: {
  actionId: string;
  updatedAt: Date;
  nameOf: (id: string) => string;
}) {
  const action = trpc.remediation.get.useQuery(
    { id: actionId },
    {
      staleTime: 60_000,
      refetchInterval: (query) => sealingPollMs(query.state.data?.events, query.state.dataUpdateCount),
    },
  );
  const { refetch } = action;
  const version = updatedAt.getTime();
  useEffect(() => {
    if (version) void refetch();
  }, [version, refetch]);

  if (!action.data) {
    return <p className="text-xs text-slate-500">{action.error ? action.error.message : "Loading events…"}</p>;
  }
  return (
    <ol aria-label="Events" className="mt-2 space-y-1 border-l-2 border-slate-200 pl-3">
      {action.data.events.map((e) => {
        const note = eventNote(e);
        return (
          <li
            key={e.id}
            data-testid="action-event"
            data-event-type={e.type}
            data-seq={e.seq ?? undefined}
            className="text-xs text-slate-700"
          >
            <div className="flex items-baseline justify-between gap-2">
              <p className="min-w-0">
                <span className="font-medium">{eventLabel(e)}</span>{" "}
                <span className="text-slate-500">
                  by {nameOf(e.actor)} · {formatDateTime(e.createdAt)}
                </span>
              </p>
              <EventSeal event={e} />
            </div>
            {note && <p className="text-slate-600">{note}</p>}
          </li>
        );
      })}
    </ol>
  );
}
