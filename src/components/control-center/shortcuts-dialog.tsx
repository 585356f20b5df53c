"use client";
import { Dialog } from "@/components/ui/dialog";
import { QUEUE_SHORTCUTS } from "./queue-shortcuts";

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
