import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/next-auth";
import { env, setEnv } from "@/server/env";

// Sessions, CSRF and sign-in/out: never prerendered, and bcrypt + Prisma need Node.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

interface Context {
  params: Promise<{ nextauth: string[] }>;
}

// Options are built per request so AUTH_SECRET is read at run time, not at `next build`.
function handler(req: NextRequest, context: Context): Promise<Response> {
  // Without NEXTAUTH_URL, next-auth builds its redirect URLs on http://localhost:3000. Take the
  // origin from the request instead (Next fills x-forwarded-host/-proto), so sign-in and sign-out
  // land on whatever host and port the browser used. Deployments behind a proxy set NEXTAUTH_URL.
  // next-auth reads AUTH_TRUST_HOST from process.env on each request, so it is set there (once).
  const { NEXTAUTH_URL, AUTH_TRUST_HOST } = env();
  if (!NEXTAUTH_URL && AUTH_TRUST_HOST === undefined) setEnv({ AUTH_TRUST_HOST: "true" });
  return NextAuth(req, context, getAuthOptions());
}

export { handler as GET, handler as POST };
