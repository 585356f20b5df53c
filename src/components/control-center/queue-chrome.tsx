"use client";
import { Button } from "@/components/ui/button";

const grouped = (n: number) => n.toLocaleString("en-US");

/** "1–25 of 1,000" with previous/next: the queue stays one screen whatever the backlog. */
export function QueuePager({
  offset,
  shown,
  total,
  pageSize,
  onOffset,
}: {
  offset: number;
  shown: number;
  total: number;
  pageSize: number;
  onOffset: (offset: number) => void;
}) {
  if (total <= pageSize && offset === 0) return null;
  const range =
    shown === 0 ? `0 of ${grouped(total)}` : `${grouped(offset + 1)}–${grouped(offset + shown)} of ${grouped(total)}`;
  return (
    <nav aria-label="Pending approvals pages" className="mt-3 flex items-center justify-between gap-2 text-xs">
      <span data-testid="pending-range" className="text-slate-600 tabular-nums">
        {range}
      </span>
      <span className="flex gap-1.5">
        <Button size="sm" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
          Previous
        </Button>
        <Button size="sm" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>
          Next
        </Button>
      </span>
    </nav>
  );
}
