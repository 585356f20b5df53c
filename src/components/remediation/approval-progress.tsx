"use client";
import { formatAge, formatDateTime } from "@/components/ui/format";
import { type ApprovalState, formatApprovalCount } from "./approval-state";
import { ExpiryCountdown } from "./expiry-countdown";
import type { ApprovalContext } from "./types";

/**
 * The votes on a pending action's current context version (who approved and when), how many the
 * quorum needs, when it expires, and why this principal may not approve (their own request, or
 * they already voted) — docs/behaviour.md#quorum.
 */
export function ApprovalProgress({
  context,
  state,
  nameOf,
  now,
}: {
  context: ApprovalContext;
  state: ApprovalState;
  nameOf: (userId: string) => string;
  now: number;
}) {
  return (
    <div
      data-testid="approval-progress"
      data-approvals={state.approvals}
      data-required={state.required}
      className="space-y-1 text-xs text-slate-600"
    >
      <p className="flex flex-wrap items-center gap-x-2 gap-y-0.5">
        <span data-testid="approval-count" className="font-semibold text-slate-800">
          {formatApprovalCount(state)}
        </span>
        <span aria-hidden>·</span>
        <ExpiryCountdown expiresAt={context.expiresAt} />
      </p>
      {context.approvals.length > 0 && (
        <ul aria-label="Approvals" className="space-y-0.5">
          {context.approvals.map((vote) => {
            const at = new Date(vote.at);
            return (
              <li key={`${vote.actor}-${vote.at}`} data-testid="approval-vote" title={vote.reason ?? undefined}>
                Approved by <span className="font-medium text-slate-800">{nameOf(vote.actor)}</span> ·{" "}
                <time dateTime={at.toISOString()} title={formatDateTime(at)}>
                  {formatAge(at, now)}
                </time>
              </li>
            );
          })}
        </ul>
      )}
      {state.blocked && (
        <p data-testid="approval-blocked" className="rounded bg-slate-100 px-2 py-1 font-medium text-slate-700">
          {state.blocked}
        </p>
      )}
    </div>
  );
}

/** The context moved since the operator looked (a 409 on approve, or a refetch): say what, before they approve again. */
export function ContextChangeNotice({ changes }: { changes: string[] | undefined }) {
  if (!changes || changes.length === 0) return null;
  return (
    <div
      role="status"
      data-testid="context-changed"
      className="rounded-md border border-amber-300 bg-amber-50 px-2.5 py-1.5 text-xs text-amber-900"
    >
      <p className="font-semibold">Changed since you looked — review it and approve again:</p>
      <ul className="mt-0.5 list-disc pl-4">
        {changes.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
