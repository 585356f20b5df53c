"use client";

/**
 * Toasts without sonner in the first load (docs/architecture.md#first-load-javascript): the
 * library is fetched once the page is up (the lazy `Toaster` in src/components/providers.tsx
 * asks for the same module), and a toast raised before it has arrived is shown when it has.
 * Same signatures as sonner's `toast.success` / `error` / `info`.
 */
type Sonner = typeof import("sonner");
type ToastArgs = Parameters<Sonner["toast"]["success"]>;

let sonner: Promise<Sonner> | undefined;

export function loadSonner(): Promise<Sonner> {
  sonner ??= import("sonner");
  return sonner;
}

const deferred =
  (kind: "success" | "error" | "info") =>
  (...args: ToastArgs): void => {
    void loadSonner().then((s) => s.toast[kind](...args));
  };

export const toast = { success: deferred("success"), error: deferred("error"), info: deferred("info") };
