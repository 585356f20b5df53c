// Security headers of every response (docs/behaviour.md#security-headers). Pure: the HTTP server
// (http-server.ts) sets the common ones on every answer, the proxy (src/proxy.ts) the pages'
// nonce-based Content-Security-Policy, the REST adapter the API's.

interface HeaderSource {
  get(name: string): string | null | undefined;
}

/**
 * Whether the browser reached us over HTTPS: TLS on this socket, or a TLS-terminating proxy's
 * `X-Forwarded-Proto: https` (its first value). A client sending that header over plain HTTP
 * only gets an HSTS header, which browsers ignore on HTTP.
 */
export function servedOverHttps(headers: HeaderSource, encrypted = false): boolean {
  if (encrypted) return true;
  return (headers.get("x-forwarded-proto") ?? "").split(",")[0]?.trim().toLowerCase() === "https";
}

/** Headers every response carries; HSTS only over HTTPS (on HTTP it is meaningless and ignored). */
export function commonSecurityHeaders(https: boolean): Record<string, string> {
  return {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
    ...(https && { "strict-transport-security": "max-age=31536000; includeSubDomains" }),
  };
}

/** API answers (JSON, CSV, NDJSON) are never documents: nothing may load or frame them. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/**
 * The pages' policy. Scripts: only those carrying this response's nonce (Next puts it on its own
 * scripts when it finds it in the request's CSP header) and what they load ('strict-dynamic');
 * 'unsafe-eval' only in development, where React's debugging needs it. Styles allow inline
 * because React style attributes and the toast library's injected sheet have no nonce.
 */
export function pageContentSecurityPolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}
