"use client";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * List filters kept in the URL (nuqs, docs/behaviour.md#operator-ui) for the components below.
 * Placed around the views that have such filters rather than at the root, so pages without
 * them — the Control Center's first load — do not carry the library
 * (docs/architecture.md#first-load-javascript).
 */
export function UrlState({ children }: { children: ReactNode }) {
  return <NuqsAdapter>{children}</NuqsAdapter>;
}

/**
 * Writes search parameters into the current URL now (null removes one), through the history API
 * that Next's router follows. Filters are written this way rather than through nuqs's setters,
 * whose writes are deferred: a deferred write that lands after the operator has clicked a link
 * cancels that navigation, or leaves the history entry without the filter just set
 * (docs/behaviour.md#operator-ui).
 */
export function writeSearchParams(changes: Record<string, string | null>, mode: "push" | "replace"): void {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  if (url.href === window.location.href) return;
  if (mode === "push") window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

/**
 * A form field bound to one search parameter (`""` = absent). It shows its own state at once and
 * writes the URL on every change (writeSearchParams); the URL's value reaches it on back/forward
 * and, when the field is not focused, on any other change of the URL (a link to another filtered
 * view). `each-change` adds a history entry per change (a select); `each-edit` one per focus
 * session, replaced as the operator types (a text field).
 */
export function useUrlField(key: string, urlValue: string, entries: "each-change" | "each-edit") {
  const [value, setValue] = useState(urlValue);
  const focused = useRef(false);
  const entryAdded = useRef(false);
  useEffect(() => {
    if (!focused.current) setValue(urlValue);
  }, [urlValue]);
  useEffect(() => {
    const onPopState = () => setValue(new URLSearchParams(window.location.search).get(key) ?? "");
    window.addEventListener("popstate", onPopState);
    return () => window.removeEventListener("popstate", onPopState);
  }, [key]);
  return {
    value,
    onChange(next: string) {
      setValue(next);
      writeSearchParams({ [key]: next || null }, entryAdded.current ? "replace" : "push");
      entryAdded.current = entries === "each-edit";
    },
    onFocus() {
      focused.current = true;
    },
    onBlur() {
      focused.current = false;
      entryAdded.current = false;
    },
  };
}
