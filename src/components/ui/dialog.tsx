"use client";
import * as RadixDialog from "@radix-ui/react-dialog";
import { type ReactNode, useRef } from "react";

export interface DialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons row; the dialog body scrolls, the footer stays visible. */
  footer?: ReactNode;
  size?: "md" | "lg";
}

/**
 * Radix dialog with the app's look: focus trapped and returned, Escape and the close button
 * dismiss it, title and description wired to aria-labelledby / aria-describedby.
 *
 * Every dialog here is opened from state (a row's button, a keyboard shortcut), not a Radix
 * Trigger, so Radix has no trigger to give focus back to on close and would drop it on <body>.
 * Instead the element focused when the dialog opened (the control that opened it) gets focus
 * back, if it is still on the page (docs/behaviour.md#ui-accessibility).
 */
export function Dialog({ open, onOpenChange, title, description, children, footer, size = "md" }: DialogProps) {
  const opener = useRef<HTMLElement | null>(null);
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-black/50" />
        <RadixDialog.Content
          {...(description ? {} : { "aria-describedby": undefined })}
          onOpenAutoFocus={() => {
            // Runs before focus moves into the dialog: the active element is still the opener.
            opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
          }}
          // A toast's Retry is clickable over the dialog (src/app/globals.css); clicking it is
          // not a click outside that would close the dialog.
          onInteractOutside={(event) => {
            if (event.target instanceof Element && event.target.closest("[data-sonner-toaster]"))
              event.preventDefault();
          }}
          onCloseAutoFocus={(event) => {
            const target = opener.current;
            opener.current = null;
            if (target?.isConnected) {
              event.preventDefault();
              target.focus();
            }
          }}
          className={`fixed top-1/2 left-1/2 z-50 flex max-h-[90vh] w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 flex-col rounded-lg border border-slate-200 bg-white shadow-xl focus:outline-none ${size === "lg" ? "max-w-2xl" : "max-w-lg"}`}
        >
          <div className="border-b border-slate-100 py-4 pr-12 pl-5">
            <RadixDialog.Title className="text-base font-semibold text-slate-900">{title}</RadixDialog.Title>
            {description && (
              <RadixDialog.Description className="mt-1 text-sm text-slate-600">{description}</RadixDialog.Description>
            )}
          </div>
          <div className="overflow-y-auto px-5 py-4">{children}</div>
          {footer && (
            <div className="flex flex-wrap justify-end gap-2 border-t border-slate-100 px-5 py-3">{footer}</div>
          )}
          {/* Last in tab order: focus lands on the dialog's first field or button, not on ✕. */}
          <RadixDialog.Close
            aria-label="Close"
            className="absolute top-3 right-3 rounded p-1 text-slate-500 hover:bg-slate-100 focus-visible:ring-2 focus-visible:ring-blue-600/50 focus-visible:outline-none"
          >
            <span aria-hidden>✕</span>
          </RadixDialog.Close>
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}
