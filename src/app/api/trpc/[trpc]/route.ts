import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { AppError, toTRPCError } from "@/server/errors";
import { cappedWebBody, tooLarge } from "@/server/rest/body";
import { appRouter } from "@/server/root";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

function handler(request: Request): Promise<Response> {
  // The body tRPC reads is capped at 64 KiB as it streams (a whole batch counts once): past it,
  // reading fails with a 413 that tRPC answers like any procedure error (each call of a batch).
  const body = cappedWebBody(request, () => toTRPCError(tooLarge()));
  const req = body ? new Request(request, { body, duplex: "half" } as RequestInit) : request;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({
      // A bad bearer token is anonymous here (procedures answer 401); a database outage is not.
      principal: await resolvePrincipal(request).catch((error: unknown) => {
        if (error instanceof AppError) return null;
        throw error;
      }),
      headers: request.headers,
    }),
  });
}

export { handler as GET, handler as POST };
