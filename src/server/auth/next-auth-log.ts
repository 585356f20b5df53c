// next-auth's browser code reports its own failed fetches to /api/auth/_log, which hands them to
// the server's logger as errors. A fetch the browser never completed — the page navigated away
// mid-request (an abort) or the network dropped — is no fault of the server: it is logged at info
// level; every other report stays an error (docs/behaviour.md#ui-accessibility).

const CLIENT_FETCH_CODES = new Set(["CLIENT_FETCH_ERROR", "CLIENT_SESSION_ERROR"]);

/** The messages browsers give a fetch that did not complete (Chromium, Firefox, Safari, aborts). */
const NETWORK_FAILURE = [
  /^Failed to fetch$/,
  /^NetworkError when attempting to fetch resource\.?$/,
  /^Load failed$/,
  /\baborted\b/i,
  /^network error$/i,
];

/** True for a browser-reported next-auth fetch that never reached a response. */
export function isClientNetworkFailure(code: string, metadata: unknown): boolean {
  if (!CLIENT_FETCH_CODES.has(code) || typeof metadata !== "object" || metadata === null) return false;
  const { client, message, error } = metadata as { client?: unknown; message?: unknown; error?: unknown };
  if (String(client) !== "true") return false;
  const text =
    typeof message === "string"
      ? message
      : typeof error === "object" && error !== null && "message" in error
        ? String(error.message)
        : "";
  const name = typeof error === "object" && error !== null && "name" in error ? String(error.name) : "";
  return name === "AbortError" || NETWORK_FAILURE.some((pattern) => pattern.test(text));
}
