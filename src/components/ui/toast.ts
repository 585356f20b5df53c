"use client";

/**
 * Toasts without sonner in the first load (docs/architecture.md#first-load-javascript): the
 * library is fetched once the page is up (the lazy `Toaster` in src/components/providers.tsx
 * asks for the same module), and a toast raised before the Toaster is mounted is shown once it is.
 * Same signatures as sonner's `toast.success` / `error` / `info`.
 */
type Sonner = typeof import("sonner");
type ToastArgs = Parameters<Sonner["toast"]["success"]>;

let sonner: Promise<Sonner> | undefined;
// sonner's Toaster shows only toasts raised after it subscribed: wait for it (src/components/ui/toaster.tsx).
let toasterMounted!: () => void;
const toasterReady = new Promise<void>((resolve) => {
  toasterMounted = resolve;
});

export function markToasterMounted(): void {
  toasterMounted();
}

function loadSonner(): Promise<Sonner> {
  sonner ??= import("sonner");
  return sonner;
}

const deferred =
  (kind: "success" | "error" | "info") =>
  (...args: ToastArgs): void => {
    void Promise.all([loadSonner(), toasterReady]).then(([s]) => s.toast[kind](...args));
  };

export const toast = { success: deferred("success"), error: deferred("error"), info: deferred("info") };
