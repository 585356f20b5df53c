import { Readable } from "node:stream";
import { hasPermission } from "@/lib/permissions";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { csvStream } from "@/server/csv";
import { AppError, asAppError, errorBody } from "@/server/errors";
import { logger } from "@/server/logger";
import { callProcedure, procedureMeta } from "@/server/root";
import { readJsonBody } from "./body";
import { matchRoute } from "./match";
import type { CsvRows, RestResult } from "./types";

function json(result: RestResult): Response {
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { "content-type": "application/json; charset=utf-8", ...result.headers },
  });
}

export function errorResponse(error: unknown): Response {
  const app = asAppError(error);
  if (app.code === "INTERNAL") logger().error({ err: error }, "REST request failed");
  const body = errorBody(app);
  return json({ status: body.statusCode, body });
}

/**
 * The REST adapter: contract paths → the same tRPC procedures the UI calls. Check order (§12):
 * route → 401 → 403 → 413 → 400 (JSON, validation) → 404 → 409/422 (the last ones in use cases).
 */
export async function handleRest(request: Request): Promise<Response> {
  try {
    const url = new URL(request.url);
    const match = matchRoute(request.method, url.pathname);
    if (!match) throw new AppError("NOT_FOUND", `Route ${request.method} ${url.pathname} not found`);
    const { route, params } = match;

    const principal = await resolvePrincipal(request);
    if (!principal) throw new AppError("UNAUTHORIZED", "Authentication required");
    const permission = procedureMeta(route.procedure).permission;
    if (permission && !hasPermission(principal.permissions, permission)) {
      throw new AppError("FORBIDDEN", `Missing permission: ${permission}`);
    }

    const body = request.method === "GET" ? undefined : await readJsonBody(request);
    const query = Object.fromEntries(url.searchParams);
    const parts = { params, query, body, headers: request.headers };
    const input = route.input
      ? route.input(parts)
      : { ...(request.method === "GET" ? query : (body as object | undefined)), ...params };

    const result = await callProcedure(route.procedure, { principal, headers: request.headers }, input);

    if (route.csv) {
      const stream = csvStream(route.csv.columns, result as CsvRows);
      return new Response(Readable.toWeb(stream) as ReadableStream, {
        status: 200,
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="${route.csv.filename}"`,
          "cache-control": "no-store",
        },
      });
    }
    const respond = route.respond as ((r: unknown) => RestResult) | undefined;
    return json(respond ? respond(result) : { status: 200, body: result });
  } catch (error) {
    return errorResponse(error);
  }
}
