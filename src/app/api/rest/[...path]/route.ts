import { handleRest } from "@/server/rest/handler";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/**
 * `next dev` only: the contract's root paths are rewritten here (next.config.mjs) and the adapter
 * sees the original path. The custom server (`npm start`) answers those paths before Next and
 * claims `/api/rest/*` itself (404, not part of the API), so no served build reaches this file.
 * Every method Next routes comes here, so a method the path does not answer is the adapter's
 * 405 JSON with `Allow`, as on the custom server.
 */
function handler(request: Request): Promise<Response> {
  const url = new URL(request.url);
  url.pathname = url.pathname.replace(/^\/api\/rest/, "");
  return handleRest(new Request(url, request));
}

export {
  handler as GET,
  handler as HEAD,
  handler as POST,
  handler as PUT,
  handler as PATCH,
  handler as DELETE,
  handler as OPTIONS,
};
