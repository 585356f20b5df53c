import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { AppError, type AppErrorCode, ERROR_TABLE, errorBody } from "@/server/errors";
import { logger } from "@/server/logger";
import { commonSecurityHeaders, servedOverHttps } from "@/server/security/headers";
import { answerRest } from "./handler";
import { isRestRequest, serveRest } from "./node-adapter";

/**
 * How long a client may take, so a slow one (slowloris: headers or a body trickled byte by byte,
 * or a socket opened and left silent) cannot hold a connection (README "Failure behaviour").
 * Node's request timeout covers *receiving* the request only: once it has arrived, a response
 * may take as long as it needs, so a long CSV export is never cut while the client reads it.
 */
export interface HttpTimeouts {
  /** The request line and every header must arrive within this (Node's default: 60 s). */
  headersTimeoutMs: number;
  /** The whole request, body included (at most 64 KiB), within this (Node's default: 300 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (behind a load balancer: longer than its idle timeout). */
  keepAliveTimeoutMs: number;
  /**
   * A socket with no byte in either direction for this long is closed: a silent connection, a
   * client that stops reading a response (an export would otherwise hold its database
   * connection), or an answer that computes this long in silence.
   */
  idleTimeoutMs: number;
  /** How often Node checks the two request timeouts (its default, 30 s, adds up to 30 s to them). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  idleTimeoutMs: 120_000,
  checkIntervalMs: 1_000,
};

function errorJson(code: AppErrorCode, message: string): string {
  return JSON.stringify(errorBody(new AppError(code, message)));
}

/** What Node's parser reports before there is a request object → the JSON answer written raw. */
function clientErrorAnswer(error: NodeJS.ErrnoException): { code: AppErrorCode; message: string } {
  switch (error.code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return { code: "REQUEST_TIMEOUT", message: "Request not received in time" };
    case "HPE_HEADER_OVERFLOW":
      return { code: "HEADERS_TOO_LARGE", message: "Request headers exceed the server's limit" };
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      return { code: "PAYLOAD_TOO_LARGE", message: "Chunk extensions exceed the server's limit" };
    default:
      return { code: "BAD_REQUEST", message: "Malformed HTTP request" };
  }
}

/** An answer written straight to a socket (there is no response object), then the socket closes. */
function writeRaw(socket: Duplex, status: number, headers: Record<string, string>, body: string): void {
  const name = Object.values(ERROR_TABLE).find((row) => row.http === status)?.name ?? "Error";
  const lines = Object.entries({ ...headers, "content-length": String(Buffer.byteLength(body)), connection: "close" })
    .map(([key, value]) => `${key}: ${value}\r\n`)
    .join("");
  socket.end(`HTTP/1.1 ${status} ${name}\r\n${lines}\r\n${body}`);
  // end() flushes the answer; a client that keeps sending does not keep the socket.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

// Sockets whose current request was answered before its body had fully arrived (a 413): a
// request timeout there must not write a second answer after the first.
const answeredEarly = new WeakSet<Duplex>();

// The common security headers, computed once (they only depend on HTTPS): every request set
// them from a fresh object before (bench P2).
const HTTP_SECURITY_HEADERS = Object.entries(commonSecurityHeaders(false));
const HTTPS_SECURITY_HEADERS = Object.entries(commonSecurityHeaders(true));

const nodeHeaders = (req: IncomingMessage) => ({ get: (name: string) => req.headers[name]?.toString() });

/** A response finished before its request's body had fully arrived (a 413): see answeredEarly. */
function markAnsweredEarly(this: ServerResponse): void {
  if (!this.req.complete) answeredEarly.add(this.req.socket);
}

/**
 * Node's parser refused a request (unknown method, bad header, timeout…): answer with the same
 * JSON error body as every other error, instead of Node's bare status line, then close.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || inFlight?.headersSent || answeredEarly.has(socket)) {
    socket.destroy();
    return;
  }
  const { code, message } = clientErrorAnswer(error);
  writeRaw(
    socket,
    ERROR_TABLE[code].http,
    { "content-type": "application/json; charset=utf-8" },
    errorJson(code, message),
  );
}

/**
 * CONNECT never reaches the request handler (Node hands over the socket, and closes it when
 * nobody listens): the adapter answers it like any other method, 405 with `Allow` on a REST
 * path, 404 elsewhere.
 */
async function answerConnect(req: IncomingMessage, socket: Duplex): Promise<void> {
  // CONNECT's target is normally `host:port`; only a path can name a REST route.
  const target = req.url?.startsWith("/") ? req.url : "/";
  const reply = await answerRest({
    method: "CONNECT",
    url: new URL(target, "http://localhost"),
    headers: new Headers(),
    readBody: async () => undefined,
  });
  if (typeof reply.body === "string") writeRaw(socket, reply.status, reply.headers, reply.body);
  else socket.destroy();
}

/**
 * The HTTP server of `npm start` (scripts/serve.ts): REST paths go to the adapter's fast path,
 * everything else to `next` (Next's request handler; tests pass their own).
 */
export function createHttpServer(
  next: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
): Server {
  const server = createServer(
    {
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.checkIntervalMs,
    },
    (req, res) => {
      answeredEarly.delete(req.socket);
      // Before any answer is written, Next's or the REST adapter's (docs/behaviour.md#security-headers).
      const https = servedOverHttps(nodeHeaders(req), (req.socket as { encrypted?: boolean }).encrypted);
      const security = https ? HTTPS_SECURITY_HEADERS : HTTP_SECURITY_HEADERS;
      for (let i = 0; i < security.length; i++) res.setHeader(security[i]![0], security[i]![1]);
      res.once("finish", markAnsweredEarly);
      const served = isRestRequest(req) ? serveRest(req, res) : next(req, res);
      served.catch((err) => {
        logger().error({ err }, "request failed");
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(errorJson("INTERNAL", "Internal server error"));
      });
    },
  );
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  server.timeout = timeouts.idleTimeoutMs;
  server.on("clientError", answerClientError);
  server.on("connect", (req: IncomingMessage, socket: Duplex) => {
    answerConnect(req, socket).catch(() => socket.destroy());
  });
  return server;
}
