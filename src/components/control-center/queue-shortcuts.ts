/**
 * The pending queue's keyboard shortcuts (docs/behaviour.md#pending-queue), one table: the help
 * dialog lists it, the key handler reads it.
 */
export type QueueCommand = "next" | "previous" | "approve" | "reject" | "open" | "help";

export const QUEUE_SHORTCUTS: readonly { key: string; command: QueueCommand; label: string }[] = [
  { key: "j", command: "next", label: "Select the next action" },
  { key: "k", command: "previous", label: "Select the previous action" },
  { key: "a", command: "approve", label: "Approve the selected action (or review its override)" },
  { key: "r", command: "reject", label: "Reject the selected action" },
  { key: "o", command: "open", label: "Open the selected action's page" },
  { key: "?", command: "help", label: "Show these shortcuts" },
];

/** The parts of a KeyboardEvent the decision needs (a plain object in tests). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  defaultPrevented: boolean;
  target: unknown;
}

/** Where a keystroke is text or belongs to a dialog: an input, textarea, select, editable element, or anything in a dialog. */
export function isTypingTarget(target: unknown): boolean {
  const el = target as {
    tagName?: string;
    isContentEditable?: boolean;
    closest?: (selector: string) => unknown;
  } | null;
  if (!el || typeof el.tagName !== "string") return false;
  if (["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName.toUpperCase()) || el.isContentEditable) return true;
  return Boolean(el.closest?.('[role="dialog"], [role="alertdialog"]'));
}

/** The command a keystroke asks for, or null: never with a modifier (browser shortcuts), while typing, or in a dialog. */
export function queueCommandOf(event: KeyLike, dialogOpen: boolean): QueueCommand | null {
  if (dialogOpen || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTypingTarget(event.target)) return null;
  return QUEUE_SHORTCUTS.find((s) => s.key === event.key)?.command ?? null;
}
