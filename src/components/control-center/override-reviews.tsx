"use client";
import dynamic from "next/dynamic";
import { useState } from "react";
import { useMemberNames } from "@/components/remediation/use-members";
import { useShellUser } from "@/components/shell/principal-context";
import { Card } from "@/components/ui/card";
import { failureMessage, isNetworkFailure, toastFailure } from "@/components/ui/failure";
import { EmptyState, QueryState } from "@/components/ui/states";
import { toast } from "@/components/ui/toast";
import { useNow } from "@/components/ui/use-now";
import { hasPermission } from "@/lib/permissions";
import { trpc } from "@/lib/trpc";
import { type OverrideReviewItem, OverrideReviewRow } from "./override-review-row";
import { usePolling } from "./poll";

// The dialog (and zod, its form's schema) stays out of the Control Center's first load.
const OverrideReviewDialog = dynamic(() => import("./override-review-dialog").then((m) => m.OverrideReviewDialog), {
  ssr: false,
});

const OPEN_LIMIT = 100;
type Filter = "PENDING" | "OVERDUE";

/**
 * Reviews (docs/behaviour.md#override-review): every guardrail override waits here for a second
 * approver's Accept or Flag; the badge counts the open ones. Whoever overrode sees why they
 * cannot review it. After a review the server truth is refetched (list, signal, actions).
 */
export function OverrideReviews() {
  const user = useShellUser();
  const canReview = hasPermission(user.permissions, "remediation:approve");
  const [filter, setFilter] = useState<Filter>("PENDING");
  const open = trpc.overrideReviews.list.useQuery({ status: "PENDING", limit: OPEN_LIMIT }, usePolling());
  const [reviewing, setReviewing] = useState<OverrideReviewItem | null>(null);
  const [error, setError] = useState<string | undefined>();
  const utils = trpc.useUtils();
  const nameOf = useMemberNames();
  const now = useNow();
  const mutation = trpc.overrideReviews.review.useMutation();

  const rows = (open.data ?? []).filter((item) => filter === "PENDING" || item.review.overdue);
  const overdueCount = open.data?.filter((item) => item.review.overdue).length ?? 0;

  function openReview(item: OverrideReviewItem) {
    setError(undefined);
    setReviewing(item);
  }

  async function submit(values: { outcome: "ACCEPTED" | "FLAGGED"; note: string }) {
    if (!reviewing) return;
    setError(undefined);
    try {
      const result = await mutation.mutateAsync({ id: reviewing.action.id, ...values });
      toast.success(result.status === "FLAGGED" ? "Override flagged" : "Override accepted");
      setReviewing(null);
    } catch (err) {
      setError(failureMessage(err));
      // A refusal is explained in the dialog; a review that never arrived also gets a Retry.
      if (isNetworkFailure(err)) toastFailure("Override review failed", err, () => submit(values));
    } finally {
      await Promise.all([utils.overrideReviews.invalidate(), utils.remediation.invalidate()]);
    }
  }

  return (
    <Card
      headingId="override-reviews-title"
      title={
        <>
          Override reviews{" "}
          {open.data && (
            <span
              data-testid="override-review-count"
              className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700"
            >
              {open.data.length}
            </span>
          )}
          {overdueCount > 0 && (
            <span
              data-testid="override-review-overdue-count"
              className="ml-1 rounded-full bg-red-50 px-2 py-0.5 text-xs text-red-700"
            >
              {overdueCount} overdue
            </span>
          )}
        </>
      }
      actions={
        <fieldset className="flex gap-1 text-xs" aria-label="Show">
          {(["PENDING", "OVERDUE"] as const).map((f) => (
            <label key={f} className="flex items-center gap-1 rounded px-2 py-1 hover:bg-slate-50">
              <input type="radio" name="override-review-filter" checked={filter === f} onChange={() => setFilter(f)} />
              {f === "PENDING" ? "Open" : "Overdue"}
            </label>
          ))}
        </fieldset>
      }
    >
      <QueryState
        query={open}
        loadingLabel="Loading override reviews…"
        isEmpty={() => rows.length === 0}
        empty={
          <EmptyState
            title={filter === "OVERDUE" ? "No override review is overdue." : "No override waits for review."}
          />
        }
      >
        {() => (
          <ul aria-label="Override reviews" className="space-y-2">
            {rows.map((item) => (
              <OverrideReviewRow
                key={item.action.id}
                item={item}
                overrider={nameOf(item.review.overriddenBy)}
                now={now}
                ownOverride={item.review.overriddenBy === user.userId}
                onReview={canReview ? () => openReview(item) : undefined}
              />
            ))}
          </ul>
        )}
      </QueryState>
      {reviewing && (
        <OverrideReviewDialog
          item={reviewing}
          overrider={reviewing ? nameOf(reviewing.review.overriddenBy) : ""}
          onOpenChange={(o) => !o && setReviewing(null)}
          busy={mutation.isPending}
          error={error}
          onSubmit={submit}
        />
      )}
    </Card>
  );
}
