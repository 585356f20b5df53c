import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions, TOO_MANY_ATTEMPTS } from "@/server/auth/next-auth";
import { env, setEnv } from "@/server/env";
import { withCappedBody } from "@/server/rest/body";
import { errorResponse } from "@/server/rest/handler";

// Sessions, CSRF and sign-in/out: never prerendered, and bcrypt + Prisma need Node.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

interface Context {
  params: Promise<{ nextauth: string[] }>;
}

// Options are built per request so AUTH_SECRET is read at run time, not at `next build`.
async function handler(request: NextRequest, context: Context): Promise<Response> {
  // Sign-in forms are small: the body is read under the 64 KiB cap first (413 JSON past it).
  let req = request;
  if (request.body) {
    try {
      req = new NextRequest(await withCappedBody(request));
    } catch (error) {
      return errorResponse(error);
    }
  }
  // Without NEXTAUTH_URL, next-auth builds its redirect URLs on http://localhost:3000. Take the
  // origin from the request instead (Next fills x-forwarded-host/-proto), so sign-in and sign-out
  // land on whatever host and port the browser used. Deployments behind a proxy set NEXTAUTH_URL.
  // next-auth reads AUTH_TRUST_HOST from process.env on each request, so it is set there (once).
  const { NEXTAUTH_URL, AUTH_TRUST_HOST } = env();
  if (!NEXTAUTH_URL && AUTH_TRUST_HOST === undefined) setEnv({ AUTH_TRUST_HOST: "true" });
  const response: Response = await NextAuth(req, context, getAuthOptions());
  const [action, provider] = (await context.params).nextauth;
  return action === "callback" && provider === "credentials" ? throttledAs429(response) : response;
}

/**
 * next-auth answers every refused credentials sign-in 401 and cannot set a status of its own: a
 * throttled one (authorize threw `TooManyAttempts:<seconds>`) becomes 429 with Retry-After here,
 * keeping next-auth's body and cookies (docs/behaviour.md#sign-in).
 */
async function throttledAs429(response: Response): Promise<Response> {
  if (response.status !== 401) return response;
  const body = await response.text();
  let error: string | null = null;
  try {
    const { url } = JSON.parse(body) as { url?: string };
    error = url ? new URL(url).searchParams.get("error") : null;
  } catch {
    // Not next-auth's JSON answer: pass it on unchanged.
  }
  const retryAfter = error?.startsWith(`${TOO_MANY_ATTEMPTS}:`) ? error.slice(TOO_MANY_ATTEMPTS.length + 1) : null;
  const headers = new Headers(response.headers);
  if (retryAfter) headers.set("retry-after", retryAfter);
  return new Response(body, { status: retryAfter ? 429 : response.status, headers });
}

export { handler as GET, handler as POST };
