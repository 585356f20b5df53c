"use client";
import { type ButtonHTMLAttributes, useSyncExternalStore } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "warning" | "ghost";
export type ButtonSize = "sm" | "md";

/**
 * The looks live in globals.css as component classes (`btn`, `btn-<variant>`, `btn-<size>`), not
 * as utility strings here: a page renders many buttons (three per pending-queue row) and each one
 * would otherwise repeat ~400 characters of classes in the server's HTML
 * (docs/architecture.md#server-rendered-data). Utilities passed as `extra` still win: Tailwind
 * emits its utilities layer after the components layer.
 */
export function buttonClass(variant: ButtonVariant = "secondary", size: ButtonSize = "md", extra = ""): string {
  return extra ? `btn btn-${variant} btn-${size} ${extra}` : `btn btn-${variant} btn-${size}`;
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Shows a busy state and disables the button while a request is in flight. */
  busy?: boolean;
}

const noSubscription = () => () => {};

/** False in the server's HTML and while React hydrates it; true once this runs in the browser. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

/**
 * A button. One with a click handler is `aria-disabled` in the server-rendered HTML until React
 * has hydrated it: before that a click would do nothing, so it is announced (and, for tests,
 * treated) as not yet usable instead of silently dropping an approve (docs/architecture.md#server-rendered-data).
 */
export function Button({
  variant,
  size,
  busy = false,
  className = "",
  type = "button",
  disabled,
  children,
  ...rest
}: ButtonProps) {
  const hydrated = useHydrated();
  const inert = !hydrated && rest.onClick !== undefined;
  return (
    <button
      type={type}
      disabled={disabled || busy}
      aria-busy={busy || undefined}
      aria-disabled={inert || rest["aria-disabled"] || undefined}
      className={buttonClass(variant, size, className)}
      {...rest}
    >
      {busy && (
        <span aria-hidden className="size-3 animate-spin rounded-full border-2 border-current border-t-transparent" />
      )}
      {children}
    </button>
  );
}
