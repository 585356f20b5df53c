// The audit chain under concurrency (docs/audit.md#sealing): many writers in one organization, two
// organizations at once, the sealer woken by NOTIFY in a real worker, two worker processes.
import { afterEach, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows, transaction } from "@/server/db/client";
import { tryLockSealing } from "@/server/db/stores/audit";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import {
  eventCounts,
  expectIntactChain,
  exportAudit,
  isStub,
  requestMany,
  storedSeqs,
  waitForAllSealed,
} from "@/test/audit-fixtures";
import { rest } from "@/test/calls";
import { spawnWorkerProcess, type WorkerProcess, waitFor } from "@/test/execution-fixtures";
import { createIncident, createOrganization, requestBody } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";
import { auditSealJob } from "./jobs";
import { sealOrganization } from "./sealer";

const CONCURRENT_REQUESTS = 200;

let worker: RunningWorker | undefined;
let processes: WorkerProcess[] = [];

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.kill("SIGTERM");
  await Promise.all(processes.map((p) => p.exited));
  processes = [];
});

/** Every stored event of the organization has a distinct seq, exactly 1..N. */
async function expectSeqsOneToN(organizationId: string): Promise<number> {
  const seqs = await storedSeqs(organizationId);
  expect(seqs.filter((s) => s === null)).toEqual([]);
  expect([...(seqs as number[])].sort((a, b) => a - b)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
  return seqs.length;
}

/** The chain exported and checked line by line, and the stored events all in it, 1..N. */
async function expectOneChain(organizationId: string, requested: readonly string[]): Promise<number> {
  const n = await expectSeqsOneToN(organizationId);
  const exported = await exportAudit(organizationId);
  expect(expectIntactChain(exported, organizationId)).toEqual({ events: n, stubs: 0 });
  // Every request's REQUESTED event is in the chain, once.
  const requestedEvents = exported.lines.filter((l) => !isStub(l) && l.type === "REQUESTED");
  expect(requestedEvents.map((l) => (isStub(l) ? "" : l.actionId)).sort()).toEqual([...requested].sort());
  return n;
}

describe("audit chain under concurrency", () => {
  it(`${CONCURRENT_REQUESTS} concurrent requests, then sealOrganization: seq 1..N, every link and hash holds`, async () => {
    const org = await createOrganization("conc");
    const incidentId = await createIncident(org);
    const ids = await requestMany(org, incidentId, CONCURRENT_REQUESTS);
    const { total, unsealed } = await eventCounts(org);
    expect(total).toBeGreaterThanOrEqual(CONCURRENT_REQUESTS);
    expect(unsealed).toBe(total);

    expect(await sealOrganization(db(), org)).toEqual({ sealed: total, busy: false });
    expect(await sealOrganization(db(), org)).toEqual({ sealed: 0, busy: false });
    expect(await expectOneChain(org, ids)).toBe(total);

    // GET /remediation/:id shows each event's seq and hash, the same as the export's.
    const exported = await exportAudit(org);
    const bySeq = new Map(exported.lines.map((l) => [l.seq, l.hash]));
    for (const id of ids.slice(0, 20)) {
      const response = await rest("GET", `/remediation/${id}`, { auth: { organizationId: org } });
      const { events } = (await response.json()) as { events: { seq: number | null; hash: string | null }[] };
      expect(events.length).toBeGreaterThan(0);
      for (const e of events) {
        expect(e.seq).toEqual(expect.any(Number));
        expect(bySeq.get(e.seq!)).toBe(e.hash);
      }
    }
  }, 90_000);

  it(`${CONCURRENT_REQUESTS} concurrent requests while a real worker seals: seq 1..N, every link and hash holds`, async () => {
    const org = await createOrganization("conc-worker");
    const incidentId = await createIncident(org);
    worker = await startWorker([auditSealJob]);
    const ids = await requestMany(org, incidentId, CONCURRENT_REQUESTS);
    const total = await waitForAllSealed(org, CONCURRENT_REQUESTS);
    expect(await expectOneChain(org, ids)).toBe(total);
  }, 90_000);

  it("two organizations written at once while their sealers run: independent valid chains, neither waits for the other", async ({
    annotate,
  }) => {
    const a = await createOrganization("org-a");
    const b = await createOrganization("org-b");
    const [incidentA, incidentB] = await Promise.all([createIncident(a), createIncident(b)]);
    worker = await startWorker([auditSealJob]);

    // Both at once, each timed until its chain is sealed.
    const timed = async (org: string, incident: string) => {
      const started = performance.now();
      const ids = await requestMany(org, incident, 100);
      await waitForAllSealed(org, 100);
      return { ids, ms: Math.round(performance.now() - started) };
    };
    const [runA, runB] = await Promise.all([timed(a, incidentA), timed(b, incidentB)]);
    await annotate(`written and sealed concurrently: org A ${runA.ms} ms, org B ${runB.ms} ms (100 requests each)`);
    const nA = await expectOneChain(a, runA.ids);
    const nB = await expectOneChain(b, runB.ids);
    // Independent: each chain starts at 1 on its own genesis and holds only its own events.
    const [exportA, exportB] = [await exportAudit(a), await exportAudit(b)];
    expect(exportA.lines).toHaveLength(nA);
    expect(exportB.lines).toHaveLength(nB);
    const hashesA = new Set(exportA.lines.map((l) => l.hash));
    expect(exportB.lines.filter((l) => hashesA.has(l.hash))).toEqual([]);

    // B's sealing transaction stays open (its lock held): A's sealer does not wait for it.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    let holderPid = 0;
    const holder = transaction(db(), async (tx) => {
      // The worker's sealer may hold B's lock for a moment (a sweep or a late NOTIFY): wait it out.
      await waitFor(() => tryLockSealing(tx, b), { timeoutMs: 10_000, intervalMs: 20, what: "B's sealing lock" });
      const [row] = await queryRows<{ pid: number }>(tx, Prisma.sql`SELECT pg_backend_pid() AS pid`);
      holderPid = row!.pid;
      holding();
      await released;
    });
    try {
      // A holder that fails rejects here instead of leaving the test waiting for `held`.
      await Promise.race([held, holder]);
      // The lock is B's alone: the holder's only advisory lock is keyed by B's id.
      const locks = await queryRows<{ mine: boolean }>(
        db(),
        Prisma.sql`
        SELECT objid::int8 = (hashtext(${`audit-seal:${b}`})::int8 & 4294967295) AS mine
        FROM pg_locks WHERE locktype = 'advisory' AND pid = ${holderPid}::int AND granted`,
      );
      expect(locks).toEqual([{ mine: true }]);
      await transaction(db(), async (tx) => {
        expect(await tryLockSealing(tx, b)).toBe(false);
        // A's lock is free of B's holder; A's own sealer may hold it briefly, so it is retried.
        await waitFor(() => tryLockSealing(tx, a), { timeoutMs: 10_000, intervalMs: 20, what: "A's sealing lock" });
      });

      const started = performance.now();
      const [moreA, moreB] = await Promise.all([requestMany(a, incidentA, 50), requestMany(b, incidentB, 20)]);
      await waitForAllSealed(a, nA + 50, 10_000);
      const msA = Math.round(performance.now() - started);
      await annotate(`org A: 50 requests written and sealed in ${msA} ms while org B's sealing lock was held`);
      expect(await sealOrganization(db(), b)).toEqual({ sealed: 0, busy: true });
      // B's new events wait for B's lock, and only them.
      expect((await eventCounts(b)).unsealed).toBeGreaterThanOrEqual(moreB.length);
      expect(moreA).toHaveLength(50);
    } finally {
      release();
      await holder;
    }
    // Released: B's sealer (retrying while busy) catches up, one chain still.
    await waitForAllSealed(b, nB + 20);
    await expectSeqsOneToN(a);
    await expectSeqsOneToN(b);
    expectIntactChain(await exportAudit(a), a);
    expectIntactChain(await exportAudit(b), b);
  }, 90_000);

  it("the worker's sealer is woken by NOTIFY: a new event gets its seq within 2 s, no sealOrganization call", async ({
    annotate,
  }) => {
    const org = await createOrganization("notify");
    const incidentId = await createIncident(org);
    worker = await startWorker([auditSealJob]);
    const latencies: number[] = [];
    // Several requests one after the other: the start's sweep and the minute's sweep (the job's
    // cron) could each explain one fast seal at most, not all five.
    for (let i = 0; i < 5; i++) {
      const response = await rest("POST", "/remediation/request", {
        auth: { organizationId: org },
        body: requestBody(incidentId),
      });
      expect(response.status).toBe(201);
      const committed = performance.now();
      const { id } = (await response.json()) as { id: string };
      const events = await waitFor(
        async () => {
          const got = await rest("GET", `/remediation/${id}`, { auth: { organizationId: org } });
          const { events } = (await got.json()) as { events: { seq: number | null; hash: string | null }[] };
          return events.length > 0 && events.every((e) => e.seq !== null) ? events : undefined;
        },
        { timeoutMs: 2_000, intervalMs: 10, what: `request ${i + 1}'s events to get their seq` },
      );
      latencies.push(Math.round(performance.now() - committed));
      expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash ?? ""))).toBe(true);
    }
    await annotate(`sealed after commit in ${latencies.join(", ")} ms`);
    expectIntactChain(await exportAudit(org), org);
  }, 90_000);

  it("a lost LISTEN connection is re-opened and the events committed meanwhile are swept and sealed", async ({
    annotate,
  }) => {
    const org = await createOrganization("relisten");
    const incidentId = await createIncident(org);
    worker = await startWorker([auditSealJob]);
    const listening = () =>
      queryRows<{ pid: number }>(
        db(),
        Prisma.sql`
        SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN %rcc_audit_unsealed%'`,
      );
    const [before] = await waitFor(async () => {
      const rows = await listening();
      return rows.length > 0 ? rows : undefined;
    });
    await queryRows(db(), Prisma.sql`SELECT pg_terminate_backend(${before!.pid}::int)`);
    // Written while nobody listens: its NOTIFY is lost; the reconnect's sweep must seal it.
    const [id] = await requestMany(org, incidentId, 1);
    const relistened = (await listening()).some((r) => r.pid !== before!.pid);
    const started = performance.now();
    await waitForAllSealed(org, 1, 5_000);
    await annotate(
      `sealed ${Math.round(performance.now() - started)} ms after the request (${relistened ? "after" : "before"} the new LISTEN)`,
    );
    // And NOTIFY works again on the new connection.
    const more = await requestMany(org, incidentId, 3);
    await waitForAllSealed(org, 4, 2_000);
    expect(await expectOneChain(org, [id!, ...more])).toBeGreaterThanOrEqual(4);
  }, 90_000);

  it("two worker processes sealing at once keep one gapless chain", async () => {
    const org = await createOrganization("two-procs");
    const incidentId = await createIncident(org);
    processes = await Promise.all(
      [1, 2].map(() => spawnWorkerProcess(testExecutionSettings(), { jobs: [auditSealJob.name] })),
    );
    const ids: string[] = [];
    // Bursts: each commit wakes both processes, which contend for the organization.
    for (let burst = 0; burst < 4; burst++) ids.push(...(await requestMany(org, incidentId, 50)));
    const total = await waitForAllSealed(org, ids.length, 30_000);
    expect(await expectOneChain(org, ids)).toBe(total);
    for (const p of processes) p.kill("SIGTERM");
    expect(await Promise.all(processes.map((p) => p.exited))).toEqual([0, 0]);
  }, 90_000);
});
