import { toast } from "@/components/ui/toast";

// What a failed request means to the operator, in one place (docs/behaviour.md#ui-accessibility). A
// fetch that never got an answer (offline, server down, connection cut) rejects with a bare
// TypeError — "Failed to fetch" in Chromium, "NetworkError when attempting to fetch resource." in
// Firefox, "Load failed" in Safari — which tRPC wraps (TRPCClientError, the TypeError as its
// cause). Those say nothing about the decision, so they become "not recorded — retry?".

const RETRY_TOAST_MS = 20_000;

/** The sentence shown for a request that never reached the server. */
export const NOT_RECORDED = "Not recorded — the server could not be reached.";

/** fetch's TypeError messages for "no answer" (Chromium, Firefox, Safari, Node's undici). */
const NO_ANSWER = /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed|fetch failed)$/;

/**
 * True when the request failed before any answer: fetch's network TypeError or an abort anywhere
 * in the cause chain (any other TypeError is a bug, not the network).
 */
export function isNetworkFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === "AbortError" || (e instanceof TypeError && NO_ANSWER.test(e.message))) return true;
  }
  return false;
}

/** The message for an inline error: the server's own words, or "not recorded" for a network failure. */
export function failureMessage(error: unknown): string {
  if (isNetworkFailure(error)) return NOT_RECORDED;
  return error instanceof Error && error.message ? error.message : "Request failed";
}

/**
 * The toast for a failed request: a network failure says the decision was not recorded and
 * offers Retry (when the caller can repeat it); any other failure keeps its title and the
 * server's message.
 */
export function toastFailure(title: string, error: unknown, retry?: () => unknown): void {
  if (isNetworkFailure(error)) {
    toast.error(retry ? `${NOT_RECORDED} Retry?` : NOT_RECORDED, {
      description: title,
      // Long enough to notice and reach Retry (sonner's default is 4 s); ✕ dismisses it sooner.
      ...(retry && { duration: RETRY_TOAST_MS, action: { label: "Retry", onClick: () => void retry() } }),
    });
    return;
  }
  toast.error(title, { description: failureMessage(error) });
}
