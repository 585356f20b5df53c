import type { ReactNode } from "react";
import { Button } from "./button";

/** Placeholder with a fixed minimum height so content does not jump when data arrives. */
export function LoadingState({ label = "Loading…", minHeight = "6rem" }: { label?: string; minHeight?: string }) {
  return (
    <div
      role="status"
      aria-live="polite"
      style={{ minHeight }}
      className="flex items-center justify-center gap-2 text-sm text-slate-500"
    >
      <span aria-hidden className="size-3 animate-spin rounded-full border-2 border-slate-400 border-t-transparent" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-md border border-dashed border-slate-300 px-4 py-8 text-center">
      <p className="text-sm font-medium text-slate-700">{title}</p>
      {children && <div className="mt-1 text-sm text-slate-500">{children}</div>}
    </div>
  );
}

/** A failed read: the backend message and a retry. */
export function ErrorState({
  error,
  onRetry,
}: {
  error: { message: string } | null | undefined;
  onRetry?: () => void;
}) {
  return (
    <div
      role="alert"
      className="flex flex-wrap items-center justify-between gap-3 rounded-md border border-red-200 bg-red-50 px-4 py-3"
    >
      <p className="text-sm text-red-800">{error?.message ?? "Something went wrong."}</p>
      {onRetry && (
        <Button size="sm" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}

/** Loading / error / empty / data in one place, so every panel handles all four. */
export function QueryState<T>({
  query,
  empty,
  isEmpty,
  loadingLabel,
  children,
}: {
  query: { data: T | undefined; error: { message: string } | null; isLoading: boolean; refetch: () => unknown };
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  if (query.data === undefined) {
    if (query.error) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
    return <LoadingState label={loadingLabel} />;
  }
  return (
    <>
      {query.error && <ErrorState error={query.error} onRetry={() => query.refetch()} />}
      {isEmpty?.(query.data) && empty ? empty : children(query.data)}
    </>
  );
}
