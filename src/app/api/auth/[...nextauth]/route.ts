import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/next-auth";
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
  return NextAuth(req, context, getAuthOptions());
}

export { handler as GET, handler as POST };
