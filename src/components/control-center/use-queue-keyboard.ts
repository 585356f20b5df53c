"use client";
import { useEffect, useRef } from "react";
import { type QueueCommand, queueCommandOf } from "./queue-shortcuts";

/**
 * The queue's shortcuts on the whole page (docs/behaviour.md#pending-queue), so triage starts
 * without first tabbing into the list. Ignored while typing, in any open dialog, or with a
 * modifier (queueCommandOf). A few lines of our own rather than a hotkey library: six
 * single-letter keys and one guard.
 */
export function useQueueKeyboard(handlers: Record<QueueCommand, () => void>): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const dialogOpen = document.querySelector('[role="dialog"], [role="alertdialog"]') !== null;
      const command = queueCommandOf(event, dialogOpen);
      if (!command) return;
      event.preventDefault();
      latest.current[command]();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);
}
