import type { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { getAuthOptions } from "@/server/auth/next-auth";

// Sessions, CSRF and sign-in/out: never prerendered, and bcrypt + Prisma need Node.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Without NEXTAUTH_URL, next-auth builds its redirect URLs on http://localhost:3000. Take the
// origin from the request instead (Next fills x-forwarded-host/-proto), so sign-in and sign-out
// land on whatever host and port the browser used. Deployments behind a proxy set NEXTAUTH_URL.
if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST ??= "true";

interface Context {
  params: Promise<{ nextauth: string[] }>;
}

// Options are built per request so AUTH_SECRET is read at run time, not at `next build`.
function handler(req: NextRequest, context: Context): Promise<Response> {
  return NextAuth(req, context, getAuthOptions());
}

export { handler as GET, handler as POST };
