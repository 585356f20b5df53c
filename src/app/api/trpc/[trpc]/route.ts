import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { AppError } from "@/server/errors";
import { appRouter } from "@/server/root";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
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
