import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { appRouter } from "@/server/root";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

function handler(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => ({
      principal: await resolvePrincipal(request).catch(() => null),
      headers: request.headers,
    }),
  });
}

export { handler as GET, handler as POST };
