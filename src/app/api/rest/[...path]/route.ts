import { handleRest } from "@/server/rest/handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Rewritten from the contract's root paths (next.config.mjs); the adapter sees the original path. */
function handler(request: Request): Promise<Response> {
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/^\/api\/rest/, "");
  return handleRest(new Request(url, request));
}

export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
