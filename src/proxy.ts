import { type NextRequest, NextResponse } from "next/server";
import { REQUESTED_PATH_HEADER } from "@/lib/callback-url";
import { env } from "@/server/env";
import { AppError, errorBody } from "@/server/errors";
import { CROSS_SITE_MESSAGE, isCrossSiteCookieRequest } from "@/server/security/csrf";
import { API_CONTENT_SECURITY_POLICY, pageContentSecurityPolicy, servedOverHttps } from "@/server/security/headers";

/**
 * Every request Next answers (docs/behaviour.md#security-headers): cookie-carrying
 * state-changing requests from another site are refused (tRPC mutations, next-auth's POSTs), and
 * pages get a fresh nonce in their Content-Security-Policy, which Next reads from the request's
 * CSP header and puts on its scripts. The REST fast path never reaches Next and does the same in
 * its adapter (src/server/rest/handler.ts); the common headers are the HTTP server's.
 */
export function proxy(request: NextRequest): NextResponse {
  const { NEXTAUTH_URL, NODE_ENV } = env();
  if (isCrossSiteCookieRequest(request.method, request.headers, NEXTAUTH_URL)) {
    return NextResponse.json(errorBody(new AppError("FORBIDDEN", CROSS_SITE_MESSAGE)), {
      status: 403,
      headers: { "content-security-policy": API_CONTENT_SECURITY_POLICY },
    });
  }
  if (request.nextUrl.pathname.startsWith("/api/")) {
    const response = NextResponse.next();
    response.headers.set("content-security-policy", API_CONTENT_SECURITY_POLICY);
    return response;
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = pageContentSecurityPolicy(nonce, {
    dev: NODE_ENV === "development",
    https: servedOverHttps(request.headers),
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", csp);
  // The page asked for, so a signed-out visitor's sign-in link returns here (docs/behaviour.md#sign-in).
  // Always overwritten: a client cannot smuggle its own value past the proxy.
  requestHeaders.set(REQUESTED_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  // Static build assets carry no session and need no nonce.
  matcher: ["/((?!_next/static|_next/image).*)"],
};
