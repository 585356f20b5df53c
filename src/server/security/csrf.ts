// Cross-site request forgery (docs/behaviour.md#security-headers): a state-changing request that
// would act with the browser's session cookie must come from this site's own pages.

interface HeaderSource {
  get(name: string): string | null | undefined;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * True when the request must be refused: a method other than GET/HEAD/OPTIONS, carrying cookies
 * and no `Authorization` header (a bearer token is final and never falls back to the cookie, so
 * token calls are exempt), whose browser says it came from another site — `Sec-Fetch-Site` other
 * than same-origin/none, or an `Origin` whose host is none of ours (the `Host`, a proxy's
 * `X-Forwarded-Host`, or `publicUrl`'s). A request with neither header is no browser's: no
 * forged request can ride on a cookie without them.
 */
export function isCrossSiteCookieRequest(method: string, headers: HeaderSource, publicUrl?: string): boolean {
  if (SAFE_METHODS.has(method.toUpperCase())) return false;
  if (headers.get("authorization") != null || !headers.get("cookie")) return false;
  const site = headers.get("sec-fetch-site")?.toLowerCase();
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = headers.get("origin");
  if (origin == null) return false;
  const ours = [headers.get("host"), headers.get("x-forwarded-host")?.split(",")[0], publicUrl && hostOf(publicUrl)]
    .filter((h): h is string => Boolean(h))
    .map((h) => h.trim().toLowerCase());
  const from = hostOf(origin);
  return !from || !ours.includes(from);
}

export const CROSS_SITE_MESSAGE = "Cross-site request refused";
