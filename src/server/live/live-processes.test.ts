import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@/test/execution-fixtures";
import { bearer, createIncident, createOrganization, requestBody } from "@/test/factories";
import {
  type AppProcess,
  databaseBackends,
  dataOf,
  type EventStream,
  listenBackends,
  openStream,
  percentile,
  seqsOf,
  spawnAppProcess,
  terminateBackend,
} from "@/test/live-fixtures";

// The live stream (docs/behaviour.md#live-stream) across processes: streams held by web process A (a pure web process, no worker:
// APP_PROCESS_WORKER=off), events written through web process B and sealed by B's worker (the
// audit sealer is one of its services). Nothing reaches A but PostgreSQL's NOTIFY.
let webA: AppProcess;
let webB: AppProcess;
const streams: EventStream[] = [];

beforeAll(async () => {
  [webA, webB] = await Promise.all([
    spawnAppProcess({ name: "live-web-a", worker: false }),
    spawnAppProcess({ name: "live-web-b", worker: true }),
  ]);
}, 120_000);

afterEach(() => {
  for (const s of streams.splice(0)) s.close();
});

afterAll(async () => {
  await Promise.all([webA?.stop(), webB?.stop()]);
  expect(webA?.uncaught() ?? [], webA?.output()).toEqual([]);
  expect(webB?.uncaught() ?? [], webB?.output()).toEqual([]);
}, 60_000);

async function open(base: string, org: string, extra: { lastEventId?: string; query?: string } = {}) {
  const stream = await openStream(base, { authorization: await bearer(org), ...extra });
  streams.push(stream);
  expect(stream.status, stream.text()).toBe(200);
  return stream;
}

/** POST /remediation/request through `app`; the new action's id and when its answer arrived. */
async function requestThrough(app: AppProcess, org: string, incidentId: string) {
  const response = await fetch(`${app.base}/remediation/request`, {
    method: "POST",
    headers: { authorization: await bearer(org), "content-type": "application/json" },
    body: JSON.stringify(requestBody(incidentId)),
  });
  const answeredAt = performance.now();
  expect(response.status, await response.clone().text()).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return { id, answeredAt };
}

/** A's LISTEN connections (A has no worker: only its hub listens, and only while it holds a stream). */
const listeningOnA = async () => (await listenBackends()).filter((b) => b.application === webA.name);

const hubListening = () =>
  waitFor(async () => (await listeningOnA()).find((b) => b.query.includes("rcc_audit_sealed")), {
    timeoutMs: 10_000,
    what: "web process A to LISTEN on rcc_audit_sealed",
  });

describe("two web processes on one database", () => {
  it("an event written through web process B (sealed by its worker) reaches the stream held by web process A", async () => {
    const org = await createOrganization("two-procs");
    const incidentId = await createIncident(org);
    // since=0 on an empty chain: whatever gets seq 1 and later reaches this stream, whenever the hub registered it.
    const onA = await open(webA.base, org, { query: "?since=0" });
    await hubListening();

    const first = await requestThrough(webB, org, incidentId);
    const [requested] = await onA.waitForEvents(1, { what: "the first REQUESTED on A" });
    expect(requested).toMatchObject({ id: "1", event: "REQUESTED" });
    expect(requested!.raw).toBe(`id: 1\nevent: REQUESTED\ndata: ${requested!.data}`);
    expect(dataOf(requested!)).toMatchObject({
      seq: 1,
      actionId: first.id,
      type: "REQUESTED",
      actor: "user-1",
      action: { id: first.id, organizationId: org },
    });

    // The stream got seq 1, so it was registered before this second request: a live delivery, by NOTIFY.
    const second = await requestThrough(webB, org, incidentId);
    await waitFor(async () => onA.events().find((f) => f.event === "REQUESTED" && dataOf(f).actionId === second.id), {
      timeoutMs: 5_000,
      what: "the second REQUESTED on A",
    });
    // B's worker executes both (simulated executor): A sees every step, each action as it is when sent.
    const done = await waitFor(
      async () => {
        const finished = onA.events().filter((f) => f.event === "EXECUTION_SUCCEEDED");
        return finished.length === 2 ? finished : undefined;
      },
      { timeoutMs: 20_000, what: "both executions to finish on A's stream" },
    );
    expect(done.map((f) => dataOf(f).action?.status)).toEqual(["COMPLETED", "COMPLETED"]);
    const seqs = seqsOf(onA.events());
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it("streams on both processes get the same events, in the same order", async () => {
    const org = await createOrganization("both-procs");
    const incidentId = await createIncident(org);
    const onA = await open(webA.base, org, { query: "?since=0" });
    const onB = await open(webB.base, org, { query: "?since=0" });
    for (let i = 0; i < 3; i++) await requestThrough(i % 2 === 0 ? webB : webA, org, incidentId);
    // 3 requests, each REQUESTED + EXECUTION_STARTED + EXECUTION_SUCCEEDED.
    const [a, b] = await Promise.all([onA.waitForEvents(9), onB.waitForEvents(9)]);
    expect(seqsOf(a)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a.map((f) => f.raw.split("\n").slice(0, 2))).toEqual(b.map((f) => f.raw.split("\n").slice(0, 2)));
  });

  it("the first event after the stream opened arrives, on a web process that opens its LISTEN connection for it", async () => {
    // A has no stream open between rounds: each stream makes A's hub LISTEN anew. The client
    // learns the stream is open from its 200 (and `: connected`) and writes at once.
    for (let round = 1; round <= 10; round++) {
      const org = await createOrganization(`first-${round}`);
      const incidentId = await createIncident(org);
      const stream = await open(webA.base, org);
      const { id } = await requestThrough(webB, org, incidentId);
      const [event] = await stream.waitForEvents(1, {
        timeoutMs: 3_000,
        what: `round ${round}: the REQUESTED written right after the stream opened`,
      });
      expect(dataOf(event!).actionId).toBe(id);
      stream.close();
      await waitFor(async () => (await listeningOnA()).length === 0, {
        timeoutMs: 10_000,
        what: "A to release its LISTEN connection",
      });
    }
  }, 120_000);

  it("A's database connections all terminated (a PostgreSQL restart, as A sees it): A's streams resume, nothing lost or twice", async () => {
    const org = await createOrganization("restart-a");
    const incidentId = await createIncident(org);
    const stream = await open(webA.base, org, { query: "?since=0" });
    await hubListening();
    await requestThrough(webB, org, incidentId);
    await stream.waitForEvents(3, { timeoutMs: 20_000, what: "REQUESTED, EXECUTION_STARTED, EXECUTION_SUCCEEDED" });

    const killed = await databaseBackends(webA.name);
    expect(killed.length).toBeGreaterThan(0);
    for (const backend of killed) await terminateBackend(backend.pid);
    // Written through B and sealed by B's worker while A has no connection: A hears no NOTIFY for them.
    for (let i = 0; i < 2; i++) await requestThrough(webB, org, incidentId);
    const relistened = await waitFor(
      async () => (await listeningOnA()).find((b) => !killed.some((k) => k.pid === b.pid)),
      { timeoutMs: 15_000, what: "A to LISTEN again" },
    );
    expect(relistened.query).toContain("rcc_audit_sealed");
    // Caught up without any further write: 3 actions × 3 events.
    expect(seqsOf(await stream.waitForEvents(9, { timeoutMs: 20_000 }))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await requestThrough(webB, org, incidentId);
    expect(seqsOf(await stream.waitForEvents(12, { timeoutMs: 20_000 }))).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
    expect(webA.uncaught()).toEqual([]);
  }, 60_000);

  it("1,000 connect/disconnect cycles on A: no stream left, A's LISTEN connection closed, its connections not grown", async () => {
    const org = await createOrganization("cycles-a");
    const incidentId = await createIncident(org);
    const authorization = await bearer(org);
    const warm = await open(webA.base, org);
    warm.close();
    await waitFor(async () => (await listeningOnA()).length === 0, { what: "A to stop listening after the warm-up" });
    const before = (await databaseBackends(webA.name)).length;

    let writing = true;
    const writer = (async () => {
      while (writing) await requestThrough(webB, org, incidentId);
    })();
    let cycle = 0;
    async function lane(): Promise<void> {
      while (cycle < 1_000) {
        const n = cycle++;
        const stream = await openStream(webA.base, { authorization, ...(n % 2 ? { query: "?since=0" } : {}) });
        expect(stream.status).toBe(200);
        if (n % 4 === 1) await stream.waitForEvents(1, { timeoutMs: 10_000 }).catch(() => {});
        stream.close();
      }
    }
    await Promise.all(Array.from({ length: 20 }, lane));
    writing = false;
    await writer;

    // With no stream left, A's hub lets its listener go: no LISTEN connection, nothing else grown.
    await waitFor(async () => (await listeningOnA()).length === 0, {
      timeoutMs: 10_000,
      what: "A's LISTEN connection to close once no stream is left",
    });
    const after = await databaseBackends(webA.name);
    expect(after.length, JSON.stringify(after)).toBeLessThanOrEqual(Math.max(before, 10));
    expect(webA.uncaught()).toEqual([]);
  }, 240_000);

  it("latency: 50 streams on A, 20 events written through B one after another, p95 ≤ 1000 ms", async ({ annotate }) => {
    const org = await createOrganization("latency");
    const incidentId = await createIncident(org);
    const opened = await Promise.all(Array.from({ length: 50 }, () => open(webA.base, org, { query: "?since=0" })));
    await hubListening();
    // Warm-up: every stream registered and the paths hot before measuring.
    const warm = await requestThrough(webB, org, incidentId);
    const requestedOf = (s: EventStream, actionId: string) =>
      s.events().find((f) => f.event === "REQUESTED" && dataOf(f).actionId === actionId);
    await waitFor(async () => opened.every((s) => requestedOf(s, warm.id)), { what: "the warm-up event everywhere" });

    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const { id, answeredAt } = await requestThrough(webB, org, incidentId);
      const frames = await waitFor(
        async () => {
          const found = opened.map((s) => requestedOf(s, id));
          return found.every(Boolean) ? found : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 5, what: `event ${i + 1} on all 50 streams` },
      );
      for (const f of frames) samples.push(f!.at - answeredAt);
    }
    const p50 = percentile(samples, 50);
    const p95 = percentile(samples, 95);
    const max = Math.max(...samples);
    const figures = `response→frame over ${samples.length} deliveries: p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`;
    await annotate(figures);
    console.info(`[live latency] ${figures}`);
    expect(p95).toBeLessThanOrEqual(1000);
    for (const s of opened) {
      const seqs = seqsOf(s.events());
      expect(seqs).toEqual(seqs.map((_, k) => k + 1));
    }
  }, 120_000);
});
