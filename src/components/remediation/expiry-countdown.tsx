"use client";
import { formatDateTime, formatTimeLeft } from "@/components/ui/format";
import { useNow } from "@/components/ui/use-now";

/**
 * When an undecided action expires (docs/behaviour.md#expiry), ticking every
 * second; only this label re-renders. Past the deadline the server expires it on the next
 * decision or sweep, so the label says so rather than counting below zero.
 */
export function ExpiryCountdown({ expiresAt }: { expiresAt: Date | string | null }) {
  const now = useNow(1_000);
  if (expiresAt === null) {
    return (
      <span data-testid="expiry" className="text-slate-500">
        Never expires
      </span>
    );
  }
  const deadline = new Date(expiresAt);
  const left = formatTimeLeft(deadline, now);
  return (
    <time
      data-testid="expiry"
      dateTime={deadline.toISOString()}
      title={formatDateTime(deadline)}
      className={left === null ? "font-medium text-red-700" : "text-slate-600"}
    >
      {left === null ? "Expired — no longer approvable" : `Expires in ${left}`}
    </time>
  );
}
