import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, createOrganization } from "@/test/factories";
import { nextStandIn } from "@/test/next-stand-in";
import { parseAnswer, rawExchange } from "@/test/raw-http";
import { MAX_BODY_BYTES } from "./body";
import { createHttpServer, DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from "./http-server";

const servers: Server[] = [];

async function start(
  next: (req: IncomingMessage, res: ServerResponse) => Promise<void> = nextStandIn,
  timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS,
): Promise<{ server: Server; port: number; base: string }> {
  const server = createHttpServer(next, timeouts);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, base: `http://127.0.0.1:${port}` };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

const closeHead = (requestLine: string, extra = "") =>
  `${requestLine} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${extra}\r\n`;

// Issue 12 item 3 over real sockets: every answer JSON, even those Node's parser gives.
describe("methods and malformed requests over HTTP", () => {
  it("TRACE, OPTIONS and CONNECT on a REST path: 405 JSON with Allow", async () => {
    const { port } = await start();
    for (const method of ["TRACE", "OPTIONS", "CONNECT", "PATCH"]) {
      const answer = await rawExchange(port, closeHead(`${method} /remediation/actions`));
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow, method).toBe("GET");
      expect(JSON.parse(answer.body), method).toMatchObject({ statusCode: 405, error: "Method Not Allowed" });
    }
  });

  it("the /api/rest mirror's address is not an API: 404 JSON for every method", async () => {
    const { port } = await start();
    for (const method of ["GET", "TRACE", "POST"]) {
      const answer = await rawExchange(
        port,
        closeHead(`${method} /api/rest/remediation/actions`, "Content-Length: 0\r\n"),
      );
      expect(answer.status, method).toBe(404);
      expect(JSON.parse(answer.body), method).toMatchObject({ statusCode: 404, error: "Not Found" });
    }
  });

  it("what Node's parser refuses (unknown method, bad header, oversized headers) is JSON too", async () => {
    const { port } = await start();
    const cases: [string, number][] = [
      [closeHead("FOO /remediation/actions"), 400],
      [closeHead("GET /remediation/actions", "Bad Header: x\r\n"), 400],
      [closeHead("POST /incidents", "Content-Length: 1\r\nContent-Length: 2\r\n"), 400],
      [closeHead("GET /remediation/actions", `X-Long: ${"l".repeat(20_000)}\r\n`), 431],
    ];
    for (const [head, status] of cases) {
      const answer = await rawExchange(port, head);
      expect(answer.status, head.slice(0, 60)).toBe(status);
      expect(answer.headers["content-type"]).toContain("application/json");
      expect(JSON.parse(answer.body)).toMatchObject({ statusCode: status, error: expect.any(String) });
    }
  });
});

/** A tRPC mutation body as the UI sends it (superjson envelope), padded to `bytes`. */
function trpcBody(bytes: number): string {
  const fields = { title: "", serviceName: "api", environment: "staging", severity: "LOW" };
  const base = JSON.stringify({ json: fields }).length;
  return JSON.stringify({ json: { ...fields, title: "x".repeat(Math.max(0, bytes - base)) } });
}

function chunkedStream(total: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  const piece = new TextEncoder().encode("x".repeat(chunk));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) controller.close();
      else {
        controller.enqueue(piece);
        sent += chunk;
      }
    },
  });
}

// Issue 12 item 4: tRPC buffered and parsed bodies of any size (10 MB: 0.25–0.7 s, +25–41 MB).
describe("the tRPC endpoint's body cap", () => {
  it("refuses 10 MB with 413 JSON at once, from Content-Length, without reading it", async () => {
    const { base } = await start();
    const authorization = await bearer(await createOrganization());
    const started = performance.now();
    const res = await fetch(`${base}/api/trpc/incidents.create`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: trpcBody(10 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
    const body = await res.json();
    expect(body.error.json.data.app).toEqual({
      statusCode: 413,
      error: "Payload Too Large",
      message: `Request body exceeds ${MAX_BODY_BYTES} bytes`,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("counts a chunked body (no Content-Length) as it streams, and the connection still answers", async () => {
    const { base } = await start();
    const authorization = await bearer(await createOrganization());
    const res = await fetch(`${base}/api/trpc/incidents.create`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: chunkedStream(10 * 1024 * 1024),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.json.data.app.statusCode).toBe(413);
    const ok = await fetch(`${base}/api/trpc/remediation.stats`, { headers: { authorization } });
    expect(ok.status).toBe(200);
  });

  it("caps a batch as one body: every call of it answers 413", async () => {
    const { base } = await start();
    const authorization = await bearer(await createOrganization());
    const half = JSON.parse(trpcBody(40 * 1024)).json;
    const res = await fetch(`${base}/api/trpc/incidents.create,incidents.create?batch=1`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ 0: { json: half }, 1: { json: half } }),
    });
    expect(res.status).toBe(413);
    const calls = (await res.json()) as { error: { json: { data: { app: { statusCode: number } } } } }[];
    expect(calls.map((c) => c.error.json.data.app.statusCode)).toEqual([413, 413]);
  });

  it("still answers bodies under the cap, and 401 comes before 413 (check order)", async () => {
    const { base } = await start();
    const authorization = await bearer(await createOrganization());
    const small = await fetch(`${base}/api/trpc/incidents.create`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ json: { title: "disk", serviceName: "db", environment: "staging", severity: "LOW" } }),
    });
    expect(small.status).toBe(200);
    const anonymous = await fetch(`${base}/api/trpc/incidents.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: trpcBody(1024 * 1024),
    });
    expect(anonymous.status).toBe(401);
  });
});

// Issue 12 item 8: slow bodies held a socket for Node's default 300 s.
describe("timeouts against slow clients", () => {
  it("the server of `npm start` uses the documented timeouts, not Node's defaults (60 s headers, 300 s request)", async () => {
    const { server } = await start();
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.timeout).toBe(120_000);
    expect(DEFAULT_HTTP_TIMEOUTS.checkIntervalMs).toBeLessThanOrEqual(1_000);
  });

  const FAST: HttpTimeouts = {
    headersTimeoutMs: 500,
    requestTimeoutMs: 1_000,
    keepAliveTimeoutMs: 400,
    idleTimeoutMs: 3_000,
    checkIntervalMs: 50,
  };

  /** Opens a socket, runs `talk`, resolves with what came back and when the server closed it. */
  function session(port: number, talk: (socket: Socket) => Promise<void>) {
    return new Promise<{ answer: ReturnType<typeof parseAnswer>; closedAfterMs: number }>((resolve) => {
      const started = performance.now();
      const socket = connect(port, "127.0.0.1");
      const chunks: Buffer[] = [];
      socket.on("data", (c: Buffer) => chunks.push(c));
      socket.on("error", () => {});
      socket.on("close", () =>
        resolve({ answer: parseAnswer(Buffer.concat(chunks)), closedAfterMs: performance.now() - started }),
      );
      socket.on("connect", () => void talk(socket).catch(() => {}));
    });
  }

  it("headers trickled byte by byte (slowloris): 408 JSON once the headers timeout passes", async () => {
    const { port } = await start(nextStandIn, FAST);
    const { answer, closedAfterMs } = await session(port, async (socket) => {
      socket.write("GET /remediation/stats HTTP/1.1\r\nHost: x\r\n");
      for (let i = 0; i < 40 && !socket.destroyed; i++) {
        socket.write("X-A: b\r\n");
        await sleep(100);
      }
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 408, error: "Request Timeout" });
    expect(closedAfterMs).toBeLessThan(1_500);
  });

  it("a body trickled slowly: 408 JSON once the request timeout passes", async () => {
    const { port } = await start(nextStandIn, FAST);
    const authorization = await bearer(await createOrganization());
    const { answer, closedAfterMs } = await session(port, async (socket) => {
      socket.write(
        `POST /incidents HTTP/1.1\r\nHost: x\r\nAuthorization: ${authorization}\r\nContent-Length: 1000\r\n\r\n`,
      );
      for (let i = 0; i < 40 && !socket.destroyed; i++) {
        socket.write("xxxxxxxxxx");
        await sleep(100);
      }
    });
    expect(answer.status).toBe(408);
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it("a socket that never sends a byte is closed", async () => {
    const { port } = await start(nextStandIn, FAST);
    const { answer, closedAfterMs } = await session(port, async () => {});
    expect(closedAfterMs).toBeLessThan(2_500);
    expect(answer.closedWithoutAnswer || answer.status === 408).toBe(true);
  });

  it("an idle keep-alive connection is closed after the keep-alive timeout", async () => {
    const { port } = await start(nextStandIn, FAST);
    const { answer, closedAfterMs } = await session(port, async (socket) => {
      socket.write("GET /remediation/stats HTTP/1.1\r\nHost: x\r\n\r\n");
    });
    expect(answer.status).toBe(401);
    // Node 20 adds one second to the keep-alive timeout before it closes the socket.
    expect(closedAfterMs).toBeLessThan(2_000);
  });

  it("never cuts a response that streams longer than the request timeout (a CSV export)", async () => {
    const streaming = async (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { "content-type": "text/csv" });
      for (let i = 0; i < 10; i++) {
        res.write(`row ${i}\r\n`);
        await sleep(250);
      }
      res.end();
    };
    const { base } = await start(streaming, FAST);
    const res = await fetch(`${base}/export.csv`);
    const text = await res.text();
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(10);
  });
});
