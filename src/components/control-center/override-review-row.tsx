import Link from "next/link";
import { ActionLabel } from "@/components/remediation/action-label";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatAge, formatDateTime, formatTimeLeft } from "@/components/ui/format";
import { OVERRIDER_CANNOT_REVIEW_MESSAGE } from "@/lib/override-review";
import type { RouterOutputs } from "@/lib/trpc";

export type OverrideReviewItem = RouterOutputs["overrideReviews"]["list"][number];

export interface OverrideReviewRowProps {
  item: OverrideReviewItem;
  overrider: string;
  now: number;
  /** The signed-in principal overrode it: they may not review it (separation of duties). */
  ownOverride: boolean;
  onReview: (() => void) | undefined;
}

/** One open review: the overridden action, who overrode it, its deadline, and the Review button. */
export function OverrideReviewRow({ item, overrider, now, ownOverride, onReview }: OverrideReviewRowProps) {
  const { action, review } = item;
  const left = formatTimeLeft(review.dueAt, now);
  return (
    <li
      data-testid="override-review-row"
      data-action-id={action.id}
      data-overdue={review.overdue}
      className="grid gap-2 rounded-md border border-slate-200 p-3 md:grid-cols-[minmax(0,1fr)_auto] md:items-start"
    >
      <div className="min-w-0 space-y-1">
        <Link href={`/actions/${action.id}`} className="text-sm font-medium text-blue-700 hover:underline">
          <ActionLabel actionType={action.actionType} parameters={action.parameters} />
        </Link>
        <div className="flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
          <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{action.environment}</span>
          <span>
            overridden by <span data-testid="overrider">{overrider}</span> ·{" "}
            <time dateTime={review.overriddenAt.toISOString()} title={formatDateTime(review.overriddenAt)}>
              {formatAge(review.overriddenAt, now)}
            </time>
          </span>
          {review.overdue ? (
            <Badge tone="red" testId="review-overdue">
              Overdue since {formatDateTime(review.dueAt)}
            </Badge>
          ) : (
            <Badge tone="amber">Due {left ? `in ${left}` : formatDateTime(review.dueAt)}</Badge>
          )}
        </div>
        {ownOverride && onReview && (
          <p data-testid="review-blocked" className="text-xs text-slate-600">
            {OVERRIDER_CANNOT_REVIEW_MESSAGE}
          </p>
        )}
      </div>
      {onReview && (
        <Button
          size="sm"
          variant="primary"
          onClick={onReview}
          disabled={ownOverride}
          title={ownOverride ? OVERRIDER_CANNOT_REVIEW_MESSAGE : undefined}
        >
          Review…
        </Button>
      )}
    </li>
  );
}
