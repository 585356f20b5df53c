/** Where sign-in sends an operator when no (usable) callbackUrl came with the link. */
export const DEFAULT_CALLBACK_PATH = "/control-center";

/** The request header src/proxy.ts sets to a page request's path and query. */
export const REQUESTED_PATH_HEADER = "x-requested-path";

const PLACEHOLDER_ORIGIN = "http://placeholder.invalid";

/**
 * A `callbackUrl` reduced to a path on this site (docs/behaviour.md#sign-in): path, query and hash
 * of a relative URL, or of an absolute one whose origin is `ownOrigin` (next-auth hands those).
 * Anything that would leave the site — another origin, a protocol-relative `//evil.example`, a
 * `/\evil.example` that browsers read as one, a `javascript:` URL — and the sign-in pages
 * themselves fall back to the Control Center, so a crafted link can never redirect off-site.
 */
export function safeCallbackPath(raw: string | string[] | null | undefined, ownOrigin?: string): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return DEFAULT_CALLBACK_PATH;
  let url: URL;
  try {
    url = new URL(value, PLACEHOLDER_ORIGIN);
  } catch {
    return DEFAULT_CALLBACK_PATH;
  }
  const own = ownOrigin ? safeOrigin(ownOrigin) : undefined;
  if (url.origin !== PLACEHOLDER_ORIGIN && url.origin !== own) return DEFAULT_CALLBACK_PATH;
  // Collapse leading slashes so what we hand back can never read as protocol-relative.
  const path = url.pathname.replace(/^\/+/, "/");
  if (path === "/signin" || path.startsWith("/api/")) return DEFAULT_CALLBACK_PATH;
  return `${path}${url.search}${url.hash}`;
}

function safeOrigin(value: string): string | undefined {
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}
