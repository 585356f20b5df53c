"use client";
import { NuqsAdapter } from "nuqs/adapters/next/app";
import type { ReactNode } from "react";

/**
 * List filters kept in the URL (nuqs, docs/behaviour.md#operator-ui) for the components below.
 * Placed around the views that have such filters rather than at the root, so pages without
 * them — the Control Center's first load — do not carry the library
 * (docs/architecture.md#first-load-javascript).
 */
export function UrlState({ children }: { children: ReactNode }) {
  return <NuqsAdapter>{children}</NuqsAdapter>;
}
