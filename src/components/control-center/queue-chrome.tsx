"use client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { QUEUE_SHORTCUTS } from "./queue-shortcuts";

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

/** `?`: the queue's shortcuts, from the one table the key handler reads. */
export function ShortcutsDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Keyboard shortcuts"
      description="On the pending approvals queue; ignored while typing or in a dialog."
    >
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {QUEUE_SHORTCUTS.map((s) => (
          <div key={s.key} className="contents">
            <dt>
              <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs">{s.key}</kbd>
            </dt>
            <dd className="text-slate-700">{s.label}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}
