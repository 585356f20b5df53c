import { Readable } from "node:stream";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { csvStream } from "@/server/csv";
import { env } from "@/server/env";
import { AppError, asAppError, errorBody } from "@/server/errors";
import { logger } from "@/server/logger";
import { callProcedure } from "@/server/root";
import { CROSS_SITE_MESSAGE, isCrossSiteCookieRequest } from "@/server/security/csrf";
import { API_CONTENT_SECURITY_POLICY } from "@/server/security/headers";
import { authorizedContext, type SettingsOverrides } from "@/server/trpc";
import { readJsonBody, webBody } from "./body";
import { allowedMethods, matchRoute } from "./match";
import type { CsvRows, RestResult } from "./types";

/** What the adapter needs of an HTTP request, whichever server received it. */
export interface RestRequest {
  method: string;
  url: URL;
  headers: Headers;
  /** The parsed JSON body (undefined when empty); only called for methods with a body. */
  readBody(): Promise<unknown>;
}

/** An answer: a JSON string, or a byte stream (CSV and NDJSON exports) the server pipes with backpressure. */
export interface RestReply {
  status: number;
  headers: Record<string, string>;
  body: string | Readable;
}

function json(result: RestResult): RestReply {
  return {
    status: result.status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-security-policy": API_CONTENT_SECURITY_POLICY,
      ...result.headers,
    },
    body: JSON.stringify(result.body),
  };
}

export function errorReply(error: unknown): RestReply {
  const app = asAppError(error);
  if (app.code === "INTERNAL") logger().error({ err: error }, "REST request failed");
  const body = errorBody(app);
  return json({ status: body.statusCode, body });
}

/**
 * A path of the table asked with a method it does not answer (TRACE, PATCH, DELETE, OPTIONS,
 * HEAD, …): 405 with `Allow` listing the ones it does (docs/behaviour.md#errors).
 */
function methodNotAllowed(method: string, pathname: string, allow: readonly string[]): RestReply {
  const reply = errorReply(
    new AppError("METHOD_NOT_ALLOWED", `Method ${method} not allowed on ${pathname}; allowed: ${allow.join(", ")}`),
  );
  return { ...reply, headers: { ...reply.headers, allow: allow.join(", ") } };
}

/**
 * The REST adapter: contract paths → the same tRPC procedures the UI calls. Check order
 * (docs/behaviour.md#check-order): route (404, 405) → 401 → 403 → 413 → 400 (JSON, validation)
 * → 404 → 409/422 (the last ones in use cases).
 */
export async function answerRest(request: RestRequest, settings: SettingsOverrides = {}): Promise<RestReply> {
  try {
    const { url } = request;
    const match = matchRoute(request.method, url.pathname);
    if (!match) {
      const allow = allowedMethods(url.pathname);
      if (allow.length > 0) return methodNotAllowed(request.method, url.pathname, allow);
      throw new AppError("NOT_FOUND", `Route ${request.method} ${url.pathname} not found`);
    }
    const { route, params, permission } = match;
    if (isCrossSiteCookieRequest(request.method, request.headers, env().NEXTAUTH_URL)) {
      throw new AppError("FORBIDDEN", CROSS_SITE_MESSAGE);
    }

    // 401/403 here, before the body is read, with the same `authorize` the procedures use; the
    // procedure's `requires` middleware trusts this context and does not check again (trpc.ts).
    const ctx = authorizedContext(await resolvePrincipal(request), permission, request.headers, settings);

    // GET and DELETE take no body (a DELETE's path names everything it needs).
    const hasBody = request.method !== "GET" && request.method !== "DELETE";
    const body = hasBody ? await request.readBody() : undefined;
    // No query string (most reads): no URLSearchParams is built.
    const query: Record<string, string> = url.search === "" ? {} : Object.fromEntries(url.searchParams);
    const parts = { params, query, body, headers: request.headers };
    const input = route.input ? route.input(parts) : { ...(hasBody ? (body as object | undefined) : query), ...params };

    const result = await callProcedure(route.procedure, ctx, input);

    if (route.csv) {
      return {
        status: 200,
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-security-policy": API_CONTENT_SECURITY_POLICY,
          "content-disposition": `attachment; filename="${route.csv.filename}"`,
          "cache-control": "no-store",
        },
        // Bytes already (a database COPY), or rows to format here.
        body: result instanceof Readable ? result : csvStream(route.csv.columns, result as CsvRows),
      };
    }
    if (route.ndjson) {
      return {
        status: 200,
        headers: {
          "content-type": "application/x-ndjson; charset=utf-8",
          "content-security-policy": API_CONTENT_SECURITY_POLICY,
          "content-disposition": `attachment; filename="${route.ndjson.filename}"`,
          "cache-control": "no-store",
        },
        body: result as Readable,
      };
    }
    // Each row's `respond` is typed against its own procedure's output; here the row is one of
    // the union, so TypeScript cannot pair it with `result` by itself.
    const respond = route.respond as ((r: unknown) => RestResult) | undefined;
    return json(respond ? respond(result) : { status: 200, body: result });
  } catch (error) {
    return errorReply(error);
  }
}

function toResponse(reply: RestReply): Response {
  const body = typeof reply.body === "string" ? reply.body : (Readable.toWeb(reply.body) as ReadableStream);
  return new Response(body, { status: reply.status, headers: reply.headers });
}

/**
 * The adapter for web `Request`s (Next's route handler under `next dev`, tests). `settings`:
 * what the test kit's `rest` passes instead of the environment's (trpc.ts SettingsOverrides).
 */
export async function handleRest(request: Request, settings: SettingsOverrides = {}): Promise<Response> {
  return toResponse(
    await answerRest(
      {
        method: request.method,
        url: new URL(request.url),
        headers: request.headers,
        readBody: () => {
          const { chunks, stop } = webBody(request.body);
          return readJsonBody(request.headers.get("content-length"), chunks, stop);
        },
      },
      settings,
    ),
  );
}

export function errorResponse(error: unknown): Response {
  return toResponse(errorReply(error));
}
