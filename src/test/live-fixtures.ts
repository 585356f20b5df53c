// The live event stream's test kit (docs/behaviour.md#live-stream, src/server/live/): the custom HTTP server in this
// process or in app processes of their own, a stream client that parses the SSE frames as they
// arrive (with their arrival time), a client that never reads, events seeded in bulk and sealed,
// and the database's view of the LISTEN connections.
import { type ChildProcess, spawn } from "node:child_process";
import { type IncomingHttpHeaders, request } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import path from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { auditSealJob } from "@/server/audit/jobs";
import { sealOrganization } from "@/server/audit/sealer";
import { db, transaction } from "@/server/db/client";
import { type ActionEventType, appendEvent } from "@/server/db/stores/events";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import { liveHub } from "@/server/live/hub";
import { createHttpServer } from "@/server/rest/http-server";
import { waitFor } from "./execution-fixtures";
import { type ActionOverrides, createAction } from "./factories";
import { parseAnswer, type RawAnswer } from "./raw-http";

const STREAM_PATH = "/remediation/events/stream";

// ── servers ──────────────────────────────────────────────────────────────────────────────────

export interface RunningServer {
  base: string;
  port: number;
  /** Open TCP connections to the server (server.getConnections). */
  connections(): Promise<number>;
  close(): Promise<void>;
}

/** createHttpServer (the custom server's fast path; Next's part answers 404) on a free port of this process. */
export async function startStreamServer(): Promise<RunningServer> {
  const server = createHttpServer(async (_req, res) => void res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    connections: () =>
      new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface AppProcess {
  /** Its connections' application_name in pg_stat_activity (PGAPPNAME). */
  name: string;
  base: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything it wrote (stdout and stderr). */
  output(): string;
  /** Its `uncaught-error …` lines (src/test/app-process-entry.ts). */
  uncaught(): string[];
  /** SIGTERM, then SIGKILL after 20 s; resolves when it exited. */
  stop(): Promise<void>;
}

let appSerial = 0;
const APP_ENTRY = path.resolve(import.meta.dirname, "app-process-entry.ts");

/**
 * The app's server side in a process of its own (src/test/app-process-entry.ts) on this file's
 * database: the HTTP server and, unless `worker: false` (APP_PROCESS_WORKER=off, a pure web
 * process), the worker with every job (the audit sealer among them). Its database connections
 * carry `name` as their application_name (listenBackends tells the processes apart by it).
 */
export async function spawnAppProcess(
  options: { name?: string; worker?: boolean; env?: Record<string, string> } = {},
): Promise<AppProcess> {
  const name = options.name ?? `rcc-app-${++appSerial}`;
  const child = spawn(process.execPath, ["--import", "tsx", APP_ENTRY], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      REMEDIATION_EXECUTOR: "simulated",
      REMEDIATION_SIMULATED_DELAY_MS: "0",
      PGAPPNAME: name,
      ...(options.worker === false ? { APP_PROCESS_WORKER: "off" } : {}),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const port = await waitFor(async () => (gone ? "exited" : /app-ready (\d+)/.exec(log)?.[1]), {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: "the app process to listen",
  }).catch((error: Error) => {
    child.kill("SIGKILL");
    throw new Error(`${error.message}\n${log}`);
  });
  if (port === "exited") throw new Error(`the app process exited before it listened:\n${log}`);
  return {
    name,
    base: `http://127.0.0.1:${port}`,
    port: Number(port),
    pid: child.pid!,
    child,
    output: () => log,
    uncaught: () => log.split("\n").filter((line) => line.startsWith("uncaught-error ")),
    async stop() {
      if (gone) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ── the stream client ────────────────────────────────────────────────────────────────────────

/** One SSE frame (a block up to a blank line) as it arrived. */
export interface SseFrame {
  /** The block's text, exactly. */
  raw: string;
  id?: string;
  event?: string;
  data?: string;
  retry?: string;
  comments: string[];
  /** performance.now() when the chunk that completed it arrived. */
  at: number;
}

/** An event frame's `data`: `{ seq, actionId, type, actor, createdAt, action }`. */
export interface StreamEventData {
  seq: number;
  actionId: string | null;
  type: string;
  actor: string;
  createdAt: string;
  action: { id: string; organizationId: string; status: string; [field: string]: unknown } | null;
}

export interface EventStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every frame so far (comments and `retry` included), in order. */
  frames: SseFrame[];
  /** The frames that carry an `event:` (events and resets), in order. */
  events(): SseFrame[];
  /** Waits until at least `count` event frames arrived; all of them. Rejects if the stream ends first. */
  waitForEvents(count: number, options?: { timeoutMs?: number; what?: string }): Promise<SseFrame[]>;
  /** The same for frames of any kind (comments, `retry`). */
  waitForFrames(count: number, options?: { timeoutMs?: number; what?: string }): Promise<SseFrame[]>;
  /** The body of a non-200 answer (the whole text), or the stream's text so far. */
  text(): string;
  /** Resolves when the server ended the response (or the connection closed); performance.now() then. */
  ended: Promise<number>;
  isEnded(): boolean;
  /** The client hangs up. */
  close(): void;
}

export const dataOf = (frame: SseFrame): StreamEventData => JSON.parse(frame.data ?? "null") as StreamEventData;

/** The seqs of event frames other than resets. */
export const seqsOf = (frames: readonly SseFrame[]): number[] =>
  frames.filter((f) => f.event !== "reset").map((f) => Number(f.id));

function parseBlock(raw: string, at: number): SseFrame {
  const frame: SseFrame = { raw, comments: [], at };
  for (const line of raw.split("\n")) {
    if (line.startsWith(":")) {
      frame.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id" || field === "event" || field === "retry") frame[field] = value;
    else if (field === "data") frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
  }
  return frame;
}

export interface StreamOptions {
  /** The Authorization header; null: none. */
  authorization: string | null;
  lastEventId?: string;
  /** Appended to the path, e.g. `?since=3`. */
  query?: string;
  method?: string;
  /** More request headers (a session cookie). */
  headers?: Record<string, string>;
  /** Read no faster than this (a client on a slower link than loopback); default: as fast as it comes. */
  readBytesPerSecond?: number;
}

/**
 * GET /remediation/events/stream on its own connection (no agent, no keep-alive), parsing frames
 * as the bytes arrive. Resolves once the status line and headers are in.
 */
export function openStream(base: string, options: StreamOptions): Promise<EventStream> {
  const url = new URL(`${STREAM_PATH}${options.query ?? ""}`, base);
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== null) headers.authorization = options.authorization;
  if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers, agent: false }, (res) => {
      res.setEncoding("utf8");
      const frames: SseFrame[] = [];
      let all = "";
      let pending = "";
      let ended = false;
      const waiters = new Set<() => void>();
      const notify = () => {
        for (const w of [...waiters]) w();
      };
      const ended$ = new Promise<number>((done) => {
        const finish = () => {
          if (ended) return;
          ended = true;
          done(performance.now());
          notify();
        };
        res.on("end", finish);
        res.on("close", finish);
        res.on("error", finish);
      });
      const startedAt = performance.now();
      let received = 0;
      res.on("data", (chunk: string) => {
        const at = performance.now();
        all += chunk;
        received += chunk.length;
        const rate = options.readBytesPerSecond;
        if (rate !== undefined) {
          const due = startedAt + (received / rate) * 1000;
          if (due > at) {
            res.pause();
            setTimeout(() => res.resume(), due - at);
          }
        }
        if (res.statusCode !== 200) return;
        pending += chunk;
        let end = pending.indexOf("\n\n");
        while (end >= 0) {
          frames.push(parseBlock(pending.slice(0, end), at));
          pending = pending.slice(end + 2);
          end = pending.indexOf("\n\n");
        }
        notify();
      });
      const events = () => frames.filter((f) => f.event !== undefined);
      const waitUntil = (
        list: () => SseFrame[],
        count: number,
        what: string,
        { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
      ) =>
        new Promise<SseFrame[]>((done, fail) => {
          const check = () => {
            const got = list();
            if (got.length >= count) {
              cleanup();
              done(got);
            } else if (ended) {
              cleanup();
              fail(new Error(`the stream ended after ${got.length} of ${what}: ${summarize(got)}`));
            }
          };
          const timer = setTimeout(() => {
            cleanup();
            fail(new Error(`timed out after ${timeoutMs} ms with ${list().length} of ${what}: ${summarize(list())}`));
          }, timeoutMs);
          const cleanup = () => {
            clearTimeout(timer);
            waiters.delete(check);
          };
          waiters.add(check);
          check();
        });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        frames,
        events,
        text: () => all,
        ended: ended$,
        isEnded: () => ended,
        close: () => {
          req.destroy();
          res.destroy();
        },
        waitForEvents: (count, options) => waitUntil(events, count, options?.what ?? `${count} events`, options),
        waitForFrames: (count, options) => waitUntil(() => frames, count, options?.what ?? `${count} frames`, options),
      });
    });
    req.on("error", reject);
    req.end();
  });
}

function summarize(frames: readonly SseFrame[]): string {
  const shown = frames.slice(-10).map((f) => `${f.event}#${f.id}`);
  return `[${frames.length > 10 ? "…, " : ""}${shown.join(", ")}]`;
}

/** A stream's body text read to its end (an error answer), and the JSON in it. */
export async function answerOf(stream: EventStream): Promise<{ status: number; body: unknown; text: string }> {
  await stream.ended;
  const text = stream.text();
  return { status: stream.status, body: text ? JSON.parse(text) : undefined, text };
}

export interface SilentStream {
  socket: Socket;
  /**
   * Starts reading: everything until the response ends (its last chunk) or the connection
   * closes, parsed. `closed`: whether the server closed the TCP connection by then.
   */
  drain(timeoutMs?: number): Promise<{ answer: RawAnswer; frames: SseFrame[]; closed: boolean }>;
  /** Resolves when the TCP connection is closed (by either side). */
  closed: Promise<void>;
  close(): void;
}

/**
 * A client that sends the request (with `Connection: close`) and then never reads a byte (a raw
 * socket left paused): what the server writes piles up in the kernel's buffers and then in the
 * server's own.
 */
export function openSilentStream(port: number, authorization: string): Promise<SilentStream> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `GET ${STREAM_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`,
      );
      socket.pause();
      let isClosed = false;
      const closed = new Promise<void>((done) =>
        socket.once("close", () => {
          isClosed = true;
          done();
        }),
      );
      resolve({
        socket,
        closed,
        close: () => socket.destroy(),
        drain: (timeoutMs = 30_000) =>
          new Promise((done, fail) => {
            const chunks: Buffer[] = [];
            let settled = false;
            const finish = () => {
              if (settled) return;
              settled = true;
              clearTimeout(timer);
              const answer = parseAnswer(Buffer.concat(chunks));
              const blocks = answer.body.split("\n\n");
              blocks.pop();
              done({ answer, frames: blocks.map((b) => parseBlock(b, performance.now())), closed: isClosed });
            };
            const timer = setTimeout(() => {
              settled = true;
              fail(new Error(`the response did not end within ${timeoutMs} ms`));
            }, timeoutMs);
            socket.on("data", (chunk: Buffer) => {
              chunks.push(chunk);
              // The chunked body's last chunk: the server ended the response.
              if (Buffer.concat(chunks.slice(-2)).subarray(-7).toString("latin1").endsWith("\r\n0\r\n\r\n")) finish();
            });
            void closed.then(finish);
            socket.resume();
          }),
      });
    });
    socket.once("error", reject);
  });
}

// ── events ───────────────────────────────────────────────────────────────────────────────────

/**
 * `count` events of one new action (`action` overrides it), appended through the events store in
 * one transaction: a burst, or a backlog (seal it with sealAll, or let a worker's sealer do it).
 * Returns the action's id.
 */
export async function appendEvents(
  organizationId: string,
  count: number,
  { action = {}, type = "EXECUTION_STARTED" }: { action?: ActionOverrides; type?: ActionEventType } = {},
): Promise<string> {
  const actionId = await createAction(organizationId, action);
  await transaction(db(), async (tx) => {
    for (let i = 0; i < count; i++) await appendEvent(tx, organizationId, { actionId, type, actor: "live-test" });
  });
  return actionId;
}

/** Seals every committed event of the organization now (no worker needed); the number sealed. */
export async function sealAll(organizationId: string): Promise<number> {
  let sealed = 0;
  for (;;) {
    const result = await sealOrganization(db(), organizationId);
    sealed += result.sealed;
    if (!result.busy) return sealed;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// ── the database's view: pg_stat_activity, pg_terminate_backend and a held pool, from simulate.ts ──

export { databaseBackends, holdPool, listenBackends, terminateBackend } from "@/server/db/simulate";

// ── statistics ───────────────────────────────────────────────────────────────────────────────

/** The p-th percentile (nearest rank) of the samples. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

/**
 * A test file's stream server and sealing worker (both for the whole file), and `open`, whose
 * streams are closed after each test, which then waits for the hub to be empty again.
 */
export function streamServerSuite(): {
  readonly server: RunningServer;
  open(options: StreamOptions): Promise<EventStream>;
} {
  let server: RunningServer | undefined;
  let worker: RunningWorker | undefined;
  const streams: EventStream[] = [];
  beforeAll(async () => {
    worker = await startWorker([auditSealJob]);
    server = await startStreamServer();
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    await waitFor(async () => liveHub(db()).size === 0, { timeoutMs: 5_000, what: "every stream to leave the hub" });
  });
  afterAll(async () => {
    await server?.close();
    await worker?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error("the stream server starts in beforeAll");
      return server;
    },
    async open(options) {
      if (!server) throw new Error("the stream server starts in beforeAll");
      const stream = await openStream(server.base, options);
      streams.push(stream);
      return stream;
    },
  };
}
