"use client";
import { type ButtonHTMLAttributes, useSyncExternalStore } from "react";

export type ButtonVariant = "primary" | "secondary" | "danger" | "warning" | "ghost";
export type ButtonSize = "sm" | "md";

const VARIANTS: Record<ButtonVariant, string> = {
  primary: "bg-blue-600 text-white hover:bg-blue-700 border border-blue-600",
  secondary: "bg-white text-slate-800 hover:bg-slate-50 border border-slate-300",
  danger: "bg-white text-red-700 hover:bg-red-50 border border-red-300",
  // A risky act that is allowed: overriding a guardrail (docs/behaviour.md#pending-queue).
  warning: "bg-amber-100 text-amber-950 hover:bg-amber-200 border border-amber-500",
  ghost: "text-slate-700 hover:bg-slate-100 border border-transparent",
};

const SIZES: Record<ButtonSize, string> = {
  sm: "px-2.5 py-1 text-xs",
  md: "px-3.5 py-2 text-sm",
};

/** Shared classes so links that look like buttons (CSV downloads) match real buttons. */
export function buttonClass(variant: ButtonVariant = "secondary", size: ButtonSize = "md", extra = ""): string {
  return [
    "inline-flex items-center justify-center gap-1.5 whitespace-nowrap rounded-md font-medium shadow-sm transition-colors",
    "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-blue-600/50 focus-visible:ring-offset-1",
    "disabled:cursor-not-allowed disabled:opacity-50",
    VARIANTS[variant],
    SIZES[size],
    extra,
  ].join(" ");
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
