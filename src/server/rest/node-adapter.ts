import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/server/errors";
import { EVENT_STREAM_PATH, serveEventStream } from "@/server/live/serve-stream";
import { logger } from "@/server/logger";
import { readJsonBody } from "./body";
import { answerRest, errorReply, type RestReply } from "./handler";

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

/**
 * Whether the custom server (scripts/serve.ts) answers a request with the REST adapter directly.
 * Mirrors next.config.mjs's rewrites (which serve `next dev`): every /remediation path, and
 * /incidents for API clients (a bearer token, or neither `Accept: text/html` nor a client-side
 * navigation). Skipping Next's router for API calls saves ~1 ms of CPU per request (bench P2).
 * `/api/rest/*` (the `next dev` mirror's own address) is claimed too and answered 404 like any
 * path outside the table: the mirror is not part of the API (README "API").
 */
export function isRestRequest(req: IncomingMessage): boolean {
  const path = (req.url ?? "/").split("?", 1)[0] ?? "/";
  if (under(path, "/remediation") || under(path, "/api/rest")) return true;
  if (!under(path, "/incidents")) return false;
  if (req.headers.authorization !== undefined) return true;
  const browserPage = (req.headers.accept ?? "").includes("text/html");
  return !browserPage && req.headers.rsc === undefined && req.headers["next-router-prefetch"] === undefined;
}

function headersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  // rawHeaders keeps repeated headers apart: [name, value, name, value, …].
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // Node's parser let it through but a fetch Headers refuses it: the client's fault.
      throw new AppError("BAD_REQUEST", `Malformed header ${JSON.stringify(raw[i])}`);
    }
  }
  return headers;
}

function urlOf(req: IncomingMessage): URL {
  try {
    // Only the path and query are read: a fixed base, so an odd Host header cannot make it throw.
    return new URL(req.url ?? "/", "http://localhost");
  } catch {
    throw new AppError("BAD_REQUEST", "Malformed request target");
  }
}

/**
 * A body refused part-way (413): stop reading without destroying the socket, so the answer can
 * still be written; what the client keeps sending is discarded.
 */
function readNodeBody(req: IncomingMessage): Promise<unknown> {
  return readJsonBody(req.headers["content-length"], req.iterator({ destroyOnReturn: false }), () => req.resume());
}

async function serveStream(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  try {
    if (req.method !== "GET") {
      const allow = new AppError(
        "METHOD_NOT_ALLOWED",
        `Method ${req.method} not allowed on ${url.pathname}; allowed: GET`,
      );
      const reply = errorReply(allow);
      res.writeHead(reply.status, { ...reply.headers, allow: "GET" });
      res.end(reply.body);
      return;
    }
    await serveEventStream({ headers: headersOf(req), url }, res);
  } catch (error) {
    if (res.headersSent) {
      logger().warn({ err: error }, "live stream failed");
      res.end();
      return;
    }
    const reply = errorReply(error);
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }
}

/**
 * Answers one HTTP request with the REST adapter, without web Request/Response objects (their
 * construction and the web-stream hop were ~20% of a hot read's CPU): JSON is written at once,
 * a CSV export is piped with backpressure.
 */
export async function serveRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let reply: RestReply;
  try {
    const url = urlOf(req);
    // The live stream is the one long-lived answer: it writes to the response itself.
    if (url.pathname.replace(/\/$/, "") === EVENT_STREAM_PATH) {
      await serveStream(req, res, url);
      return;
    }
    reply = await answerRest({
      method: req.method ?? "GET",
      url,
      headers: headersOf(req),
      // bind, not an arrow: under tsx (keepNames) every arrow made per request is also renamed.
      readBody: readNodeBody.bind(undefined, req),
    });
  } catch (error) {
    reply = errorReply(error);
  }
  res.writeHead(reply.status, reply.headers);
  if (typeof reply.body === "string") {
    res.end(reply.body);
    return;
  }
  await pipeline(reply.body, res).catch((err) => {
    // A client that hangs up mid-export is normal; the database cursor stops with the stream.
    if ((err as NodeJS.ErrnoException).code !== "ERR_STREAM_PREMATURE_CLOSE")
      logger().warn({ err }, "response stream failed");
  });
}
