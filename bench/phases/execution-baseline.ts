import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { PgBoss } from "pg-boss";
import { type Child, startUntilReady } from "../app-process";
import { settledCommits } from "../commit-counter";
import type { BenchConfig } from "../config";

export interface BossBaselineMeasurement {
  workers: number;
  jobs: number;
  completed: number;
  /** From the first send to the last job completed. */
  seconds: number;
  jobsPerSecond: number;
  /**
   * Per job, the sender's clock before its `send` → the worker's clock entering the handler: the
   * same span as the product's pickup (the request's clock before its transaction → the claim),
   * minus the work only the product does (docs/adr/0023-p5-pickup-measured-symmetrically.md).
   */
  pickupP50Ms: number;
  pickupP99Ms: number;
  /** pg-boss's started_on − created_on of each job (inside the span above): reported, not a target. */
  fetchP50Ms: number;
  fetchP99Ms: number;
  finished: boolean;
  /** Transactions committed in the bench database per job, the harness's own queries taken out. */
  commitsPerJob: number;
}

const QUEUE = "bench-noop";

async function waitForCompleted(
  client: pg.Client,
  since: Date,
  expected: number,
  timeoutMs: number,
  polls: { count: number },
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    polls.count++;
    const { rows } = await client.query<{ done: number }>(
      "SELECT count(*)::int AS done FROM pgboss.job WHERE name = $1 AND created_on >= $2 AND state = 'completed'",
      [QUEUE, since],
    );
    if (rows[0]!.done >= expected) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/** `count` jobs sent on `connections` concurrent senders, like the requests of P5's load. */
async function sendJobs(boss: PgBoss, count: number, connections: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < count) {
        next++;
        const actionId = randomUUID();
        const sentAt = Date.now();
        await boss.send(QUEUE, { actionId, organizationId: "bench-noop", sentAt }, { singletonKey: actionId });
      }
    }),
  );
}

/**
 * P5's baseline: bare pg-boss on the bench database, its queue created with the execution
 * queue's options and worked by `workerCount` processes of bench/pgboss-noop-worker.ts (the
 * product worker's pg-boss instance and work options, a handler that does nothing). The
 * harness sends `executionRequests` jobs on `connections` concurrent senders (a plain
 * pg-boss `send` each, the payload and singleton key of an execute job, a pool of the app's
 * size) — what P5's requests do minus everything the product does around the queue. Pickup is
 * timed as the product's is, from the sender's clock to the handler's (pgboss-noop-worker.ts).
 */
export async function measureBossBaseline(
  config: BenchConfig,
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  workerCount: number,
  log: (m: string) => void,
): Promise<BossBaselineMeasurement> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  const sender = new PgBoss({
    connectionString: databaseUrl,
    max: Number(env.DATABASE_POOL_SIZE ?? 10),
    supervise: false,
    schedule: false,
    useListenNotify: false,
    application_name: "rcc-bench-sender",
  });
  sender.on("error", (err) => log(`P5 baseline sender: ${err instanceof Error ? err.message : err}`));
  let workers: Child[] = [];
  const timesDir = mkdtempSync(path.join(tmpdir(), "rcc-bench-noop-"));
  const timesFiles = Array.from({ length: workerCount }, (_, i) => path.join(timesDir, `worker-${i + 1}.txt`));
  try {
    workers = await Promise.all(
      timesFiles.map((timesFile, i) =>
        startUntilReady(
          "bench/pgboss-noop-worker.ts",
          { ...env, BENCH_NOOP_QUEUE: QUEUE, BENCH_NOOP_TIMES_FILE: timesFile },
          `noop worker ${i + 1}`,
          "noop worker ready",
        ),
      ),
    );
    await sender.start();
    await client.query("VACUUM (ANALYZE) pgboss.job");
    const warmStart = new Date();
    await sendJobs(sender, config.executionWarmupRequests, config.connections);
    await waitForCompleted(client, warmStart, config.executionWarmupRequests, 60_000, { count: 0 });

    const commitsBefore = await settledCommits(client);
    const since = new Date(Date.now() + 1);
    await sleep(2);
    const started = Date.now();
    await sendJobs(sender, config.executionRequests, config.connections);
    const polls = { count: 0 };
    const finished = await waitForCompleted(
      client,
      since,
      config.executionRequests,
      config.mode === "full" ? 300_000 : 60_000,
      polls,
    );
    const { rows } = await client.query<{
      completed: number;
      last_ms: number | null;
      p50: number | null;
      p99: number | null;
    }>(
      `WITH j AS (SELECT state, created_on, started_on, completed_on FROM pgboss.job WHERE name = $1 AND created_on >= $2)
       SELECT (SELECT count(*)::int FROM j WHERE state = 'completed') AS completed,
              (SELECT extract(epoch FROM max(completed_on)) * 1000 FROM j)::float8 AS last_ms,
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_on - created_on) * 1000) FROM j)::float8 AS p50,
              (SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_on - created_on) * 1000) FROM j)::float8 AS p99`,
      [QUEUE, since],
    );
    const r = rows[0]!;
    // Stopped workers have written their (sentAt, handledAt) pairs.
    await Promise.all(workers.map((w) => w.stop()));
    await sender.stop({ graceful: false, close: true });
    // The harness's queries in the window: the first read, the polls, the query above.
    const commits = (await settledCommits(client)) - commitsBefore - (1 + polls.count + 1);
    const pickup = await handlerPickup(client, timesFiles, started);
    const seconds = r.last_ms ? (r.last_ms - started) / 1000 : Number.NaN;
    const result: BossBaselineMeasurement = {
      workers: workerCount,
      jobs: config.executionRequests,
      completed: r.completed,
      seconds: Math.round(seconds * 100) / 100,
      jobsPerSecond: Math.round(r.completed / seconds),
      pickupP50Ms: Math.round(pickup.p50 * 10) / 10,
      pickupP99Ms: Math.round(pickup.p99 * 10) / 10,
      fetchP50Ms: Math.round((r.p50 ?? Number.NaN) * 10) / 10,
      fetchP99Ms: Math.round((r.p99 ?? Number.NaN) * 10) / 10,
      finished,
      commitsPerJob: Math.round((commits / config.executionRequests) * 100) / 100,
    };
    log(
      `P5 baseline ${workerCount} worker(s), bare pg-boss: ${result.completed}/${result.jobs} completed in ${result.seconds} s ` +
        `(${result.jobsPerSecond}/s), pickup p50 ${result.pickupP50Ms} ms p99 ${result.pickupP99Ms} ms over ${pickup.jobs} jobs ` +
        `(started_on − created_on p50 ${result.fetchP50Ms} ms p99 ${result.fetchP99Ms} ms); ${result.commitsPerJob} commits/job`,
    );
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await sender.stop({ graceful: false, close: true }).catch(() => {});
    await client.end();
    rmSync(timesDir, { recursive: true, force: true });
  }
}

/**
 * The p50 and p99 of handledAt − sentAt over the jobs sent from `since` (the warm-up's are
 * older), computed with PostgreSQL's percentile_cont as the product's pickup is (execution.ts).
 */
async function handlerPickup(
  client: pg.Client,
  files: readonly string[],
  since: number,
): Promise<{ jobs: number; p50: number; p99: number }> {
  const ms = files
    .flatMap((f) => readFileSync(f, "utf8").split("\n"))
    .filter(Boolean)
    .map((line) => line.split(" ").map(Number) as [number, number])
    .filter(([sentAt]) => sentAt >= since)
    .map(([sentAt, handledAt]) => handledAt - sentAt);
  const { rows } = await client.query<{ p50: number | null; p99: number | null }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::float8 AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms)::float8 AS p99
     FROM unnest($1::float8[]) AS ms`,
    [ms],
  );
  return { jobs: ms.length, p50: rows[0]!.p50 ?? Number.NaN, p99: rows[0]!.p99 ?? Number.NaN };
}
