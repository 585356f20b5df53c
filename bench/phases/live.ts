import { type ClientRequest, request as httpRequest } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { type Child, startWorkers } from "../app-process";
import type { BenchConfig } from "../config";
import { processCpuMs, rssSampler } from "../proc-stats";
import type { ServerTarget } from "./reads";

export interface LiveMeasurement {
  streams: number;
  events: number;
  /** (stream, event) pairs: streams × events expected, received within the deadline. */
  pairsExpected: number;
  pairsReceived: number;
  /** POST's 201 (its body read) → that action's REQUESTED frame at a stream, over all pairs (ms). */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
  /** App CPU per delivered frame (µs) during the event phase (fan-out and serialisation). */
  appCpuUsPerFrame: number;
  /** Seconds spent waiting for the worker's start-up sweep to seal what was left unsealed. */
  sealWaitSeconds: number;
  idleStreams: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssPeakMb: number;
  rssGrowthMb: number;
  /** Streams still open on the client after closing (must be 0). */
  leftOpen: number;
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const STREAM_PATH = "/remediation/events/stream";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Stream {
  req: ClientRequest;
  /** actionId → receipt time (performance.now()) of its REQUESTED frame. */
  received: Map<string, number>;
  closed: boolean;
}

/**
 * Opens one stream on its own socket (no agent: one TCP connection each) and resolves once the
 * 200 and the first frame (`: connected`, sent after registration) have arrived. Frames are
 * parsed minimally: only REQUESTED frames, their actionId found by string search.
 */
function openStream(url: string, token: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const stream: Stream = { req: undefined as unknown as ClientRequest, received: new Map(), closed: false };
    let settled = false;
    const req = httpRequest(
      `${url}${STREAM_PATH}`,
      { agent: false, headers: { authorization: `Bearer ${token}`, accept: "text/event-stream" } },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          settled = true;
          reject(new Error(`stream answered ${res.statusCode}`));
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (chunk: string) => {
          const now = performance.now();
          if (!settled) {
            settled = true;
            resolve(stream);
          }
          buffer += chunk;
          let end = buffer.indexOf("\n\n");
          while (end !== -1) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf("\n\n");
            if (!frame.includes("\nevent: REQUESTED\n")) continue;
            const at = frame.indexOf('"actionId":"');
            if (at === -1) continue;
            const id = frame.slice(at + 12, at + 48);
            if (!stream.received.has(id)) stream.received.set(id, now);
          }
        });
        res.on("close", () => {
          stream.closed = true;
        });
        res.on("error", () => {});
      },
    );
    stream.req = req;
    req.on("error", (err) => {
      stream.closed = true;
      if (!settled) {
        settled = true;
        reject(err);
      }
    });
    req.end();
  });
}

/** Opens `n` streams, at most 50 handshakes at a time (the server verifies and registers each). */
async function openStreams(url: string, token: string, n: number): Promise<Stream[]> {
  const streams: Stream[] = [];
  for (let i = 0; i < n; i += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => openStream(url, token)));
    streams.push(...batch);
  }
  return streams;
}

async function closeStreams(streams: Stream[]): Promise<number> {
  for (const s of streams) s.req.destroy();
  const deadline = Date.now() + 5000;
  while (streams.some((s) => !s.closed) && Date.now() < deadline) await sleep(50);
  return streams.filter((s) => !s.closed).length;
}

async function postJson(url: string, token: string, body: unknown): Promise<{ status: number; json: { id?: string } }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { id?: string };
  return { status: res.status, json };
}

/**
 * Waits until the worker's start-up sweep has sealed every event left unsealed (the seed writes
 * its events unsealed; PA's and P5's are sealed by their workers): a sweep running during the
 * measurement would load the machine and delay the sealer.
 */
async function waitSealed(client: pg.Client, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await client.query<{ unsealed: boolean; queued: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM remediation_events WHERE seq IS NULL) AS unsealed,
              EXISTS (SELECT 1 FROM pgboss.job WHERE name = 'remediation-execute' AND state IN ('created', 'retry', 'active')) AS queued`,
    );
    if (!rows[0]!.unsealed && !rows[0]!.queued) return true;
    if (Date.now() > deadline) return false;
    await sleep(1000);
  }
}

/**
 * P7 (issue 15): live event stream. One worker process (it runs the sealer; the app has
 * RUN_WORKER=false), an organization of its own with one incident; `liveStreams` streams of it
 * on the app, then `liveEvents` POST /remediation/request (production: pending approval, so the
 * worker executes nothing) one at a time at `liveEventsPerSecond`. Latency of a (stream, event)
 * pair: the POST's 201 → that action's REQUESTED frame at the stream. Then the app's RSS before
 * and after `liveIdleStreams` idle streams (connected, then idle for 3 s).
 */
export async function measureLive(
  config: BenchConfig,
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  app: ServerTarget,
  tokens: { organizationId: string; view: string; request: string; incidentWrite: string },
  log: (m: string) => void,
): Promise<LiveMeasurement> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  let workers: Child[] = [];
  const all: Stream[] = [];
  try {
    // The organization is created by its first token; one incident to request against.
    const incident = await postJson(`${app.url}/incidents`, tokens.incidentWrite, {
      title: "bench live stream",
      serviceName: "api-gateway",
      environment: "production",
      severity: "LOW",
    });
    if ((incident.status !== 201 && incident.status !== 200) || !incident.json.id)
      throw new Error(`P7: POST /incidents answered ${incident.status}: ${JSON.stringify(incident.json)}`);
    const incidentId = incident.json.id!;

    workers = await startWorkers(env, 1, config.appDir);
    const sealStarted = performance.now();
    const sealed = await waitSealed(client, config.mode === "full" ? 900_000 : 120_000);
    const sealWaitSeconds = round((performance.now() - sealStarted) / 1000);
    log(`P7: worker started; start-up sweep ${sealed ? "done" : "NOT done"} after ${sealWaitSeconds} s`);

    const body = {
      incidentId,
      actionType: "restart-service",
      parameters: { service: "api-gateway" },
      environment: "production",
      severity: "LOW",
    };
    const post = async () => {
      const r = await postJson(`${app.url}/remediation/request`, tokens.request, body);
      const at = performance.now();
      if (r.status !== 201 || !r.json.id) throw new Error(`P7: POST /remediation/request answered ${r.status}`);
      return { id: r.json.id, at };
    };
    // Warm-up: the path, the sealer and the organization's reader, with a few streams open.
    const warm = await openStreams(app.url, tokens.view, 5);
    for (let i = 0; i < 5; i++) await post();
    await sleep(1000);
    await closeStreams(warm);

    // RSS of idle streams first, before this process has held hundreds of streams (a heap grown
    // by the latency part would absorb them): before opening, then connected and idle for 3 s.
    await sleep(2000);
    const sampler = rssSampler(app.pid, 50);
    const idle = await openStreams(app.url, tokens.view, config.liveIdleStreams);
    all.push(...idle);
    await sleep(3000);
    const after = rssSampler(app.pid).stop().before;
    const { before, peak } = sampler.stop();
    const leftOpenIdle = await closeStreams(idle);
    log(
      `P7: ${idle.length} idle streams: RSS ${round(before / MB)} → ${round(after / MB)} MB (peak ${round(peak / MB)})`,
    );

    const streams = await openStreams(app.url, tokens.view, config.liveStreams);
    all.push(...streams);
    log(`P7: ${streams.length} streams connected`);
    await sleep(500);
    const cpuBefore = processCpuMs(app.pid);
    const sent: { id: string; at: number }[] = [];
    const interval = 1000 / config.liveEventsPerSecond;
    const started = performance.now();
    for (let i = 0; i < config.liveEvents; i++) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sent.push(await post());
    }
    const expected = streams.length * sent.length;
    const countReceived = () => streams.reduce((n, s) => n + sent.filter((e) => s.received.has(e.id)).length, 0);
    const deadline = Date.now() + 10_000;
    while (countReceived() < expected && Date.now() < deadline) await sleep(100);
    const cpuMs = processCpuMs(app.pid) - cpuBefore;
    const latencies: number[] = [];
    for (const s of streams)
      for (const e of sent) {
        const at = s.received.get(e.id);
        if (at !== undefined) latencies.push(at - e.at);
      }
    latencies.sort((a, b) => a - b);
    const leftOpenLatency = await closeStreams(streams);
    log(
      `P7: ${latencies.length}/${expected} pairs, p50 ${round(percentile(latencies, 50))} ms p95 ${round(percentile(latencies, 95))} ms ` +
        `max ${round(latencies.at(-1) ?? Number.NaN)} ms; app CPU ${Math.round(cpuMs)} ms`,
    );

    return {
      streams: streams.length,
      events: sent.length,
      pairsExpected: expected,
      pairsReceived: latencies.length,
      p50Ms: round(percentile(latencies, 50)),
      p95Ms: round(percentile(latencies, 95)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1) ?? Number.NaN),
      minMs: round(latencies[0] ?? Number.NaN),
      appCpuUsPerFrame: round((cpuMs * 1000) / (latencies.length || 1)),
      sealWaitSeconds,
      idleStreams: idle.length,
      rssBeforeMb: round(before / MB),
      rssAfterMb: round(after / MB),
      rssPeakMb: round(peak / MB),
      rssGrowthMb: round((after - before) / MB),
      leftOpen: leftOpenLatency + leftOpenIdle,
    };
  } finally {
    await closeStreams(all);
    await Promise.all(workers.map((w) => w.stop()));
    await client.end();
  }
}
