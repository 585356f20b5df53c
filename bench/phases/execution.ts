import { cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { type Child, startWorkers } from "../app-process";
import { settledCommits, walTotals } from "../commit-counter";
import type { BenchConfig } from "../config";
import { type LoadResult, runLoad } from "../load";
import { databaseCpu, databaseCpuSince, processCpuMs } from "../proc-stats";
import { sealOrganizations } from "../seal";
import { waitSampler } from "../wait-sampler";
import type { OrgTarget, ServerTarget } from "./reads";

export interface ExecutionMeasurement {
  workers: number;
  /**
   * false: the audit chain off for this run, in the harness only — the events' insert trigger
   * that wakes the sealer disabled and the workers' one-minute seal sweep unscheduled, so nothing
   * is sealed during the run (the harness seals the run's events afterwards).
   */
  chain: boolean;
  requested: number;
  completed: number;
  failed: number;
  /** POST /remediation/request under load (connections as P1). */
  requests: LoadResult;
  /** From the first request sent to the last action COMPLETED. */
  seconds: number;
  actionsPerSecond: number;
  pickupP50Ms: number;
  pickupP99Ms: number;
  /** Whether every action finished before the deadline. */
  finished: boolean;
  /** Average active backends per wait event during the run (see wait-sampler.ts). */
  waits: Record<string, number>;
  /**
   * CPU of the whole machine (app, workers, PostgreSQL, load generator) per request during the
   * request phase, in ms: 2 cores give 2,000 ms per second, so 300 actions/s needs ≤ 6.7 ms.
   */
  machineCpuMsPerAction: number;
  /**
   * Transactions committed in the bench database from the first request to the last COMPLETED
   * (and the workers' stop), the harness's own queries taken out, per action requested.
   */
  commitsPerAction: number;
  /**
   * WAL the cluster wrote over the same window, per action requested (`pg_stat_wal`): bytes, and
   * full-page images (the first change to a page after a checkpoint logs the whole 8 kB page).
   */
  walBytesPerAction: number;
  walFullPageImagesPerAction: number;
  /**
   * Where the machine's CPU per action went, from the first request to the last COMPLETED
   * (/proc, local servers only; absent otherwise): the worker processes (all their threads) and
   * the bench database's backends (the app's, the workers', pg-boss's, the sealer's). The app's
   * own is `requests.serverCpuMsPerRequest`.
   */
  workerCpuMsPerAction?: number;
  databaseCpuMsPerAction?: number;
}

/** Staging + LOW: the default policy queues it (approval only for production and CRITICAL). */
const requestBody = (incidentId: string) => ({
  incidentId,
  actionType: "restart-service",
  parameters: { service: "api-gateway" },
  environment: "staging",
  severity: "LOW",
});

/** Polls until `expected` actions are terminal; `polls` counts its queries (one commit each). */
async function waitForTerminal(
  client: pg.Client,
  org: string,
  since: Date,
  expected: number,
  timeoutMs: number,
  polls = { count: 0 },
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    polls.count++;
    const { rows } = await client.query<{ done: number }>(
      `SELECT count(*)::int AS done FROM remediation_actions
       WHERE "organizationId" = $1 AND "createdAt" >= $2 AND status IN ('COMPLETED', 'FAILED')`,
      [org, since],
    );
    if (rows[0]!.done >= expected) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}

/**
 * P5 for one worker configuration: `n` worker processes (src/worker.ts), the app with
 * RUN_WORKER=false, an empty organization; a few warm-up requests, then `executionRequests`
 * POST /remediation/request over 16 connections. Throughput and pickup latency are read from
 * the rows afterwards: pickup = EXECUTION_STARTED event createdAt − action createdAt.
 */
export async function measureExecution(
  config: BenchConfig,
  databaseUrl: string,
  env: NodeJS.ProcessEnv,
  app: ServerTarget,
  org: OrgTarget & { requestToken: string },
  workerCount: number,
  log: (m: string) => void,
  chain = true,
): Promise<ExecutionMeasurement> {
  const client = new pg.Client({ connectionString: databaseUrl });
  // A connection ended by the server (database dropped on an interrupted run) is an error of the
  // query in flight, not an unhandled event that kills the bench.
  client.on("error", () => {});
  await client.connect();
  let workers: Child[] = [];
  try {
    if (!chain) await client.query(`ALTER TABLE remediation_events DISABLE TRIGGER ${WAKE_SEALER}`);
    workers = await startWorkers(env, workerCount, config.appDir);
    // The workers' sealer service still LISTENs (nothing wakes it now) and swept once at its
    // start (nothing unsealed then); its pg-boss cron sweep is unscheduled until the next start.
    if (!chain) await unscheduleSealSweep(client, log);
    // What autovacuum would have done by now (it is off on the CI server, and P4 just deleted half
    // a million rows): pg-boss fetches through an index whose dead entries only VACUUM clears —
    // 7.6 ms per fetch at 32k dead jobs against 0.15 ms clean — so the 2-worker run would inherit
    // the 1-worker run's finished jobs. After the workers start: they create pg-boss's schema.
    const vacuumStarted = performance.now();
    await client.query("VACUUM (ANALYZE) pgboss.job, remediation_actions, remediation_events, remediation_counters");
    log(
      `P5: VACUUM (ANALYZE) of the job and action tables ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`,
    );
    const post = {
      url: `${app.url}/remediation/request`,
      token: org.requestToken,
      method: "POST" as const,
      body: requestBody(org.incidentId),
      serverPid: app.pid,
    };
    const warmStart = new Date();
    await runLoad({ ...post, connections: config.connections, amount: config.executionWarmupRequests });
    await waitForTerminal(client, org.organizationId, warmStart, config.executionWarmupRequests, 60_000);

    // Commits from here (the warm-up's settled): the run's, the workers' idle polls, the harness's.
    const commitsBefore = await settledCommits(client);
    const walBefore = await walTotals(client);
    // createdAt has millisecond precision and is taken by the app: start on a fresh millisecond.
    const since = new Date(Date.now() + 1);
    await sleep(2);
    const sampler = waitSampler(databaseUrl);
    const workerCpuBefore = workers.map((w) => processCpuMs(w.pid));
    const databaseCpuBefore = await databaseCpu(client);
    const started = Date.now();
    const requests = await runLoad({ ...post, connections: config.connections, amount: config.executionRequests });
    const polls = { count: 0 };
    const finished = await waitForTerminal(
      client,
      org.organizationId,
      since,
      requests.requests - requests.non2xx,
      config.mode === "full" ? 300_000 : 60_000,
      polls,
    );
    const databaseCpuMs = await databaseCpuSince(client, databaseCpuBefore);
    const workerCpuMs = workers.reduce((sum, w, i) => sum + processCpuMs(w.pid) - workerCpuBefore[i]!, 0);
    const waits = await sampler.stop();
    const { rows } = await client.query<{
      requested: number;
      completed: number;
      failed: number;
      last_ms: number | null;
      p50: number | null;
      p99: number | null;
    }>(
      `WITH a AS (SELECT id, status, "createdAt", "updatedAt" FROM remediation_actions WHERE "organizationId" = $1 AND "createdAt" >= $2),
            pickup AS (SELECT extract(epoch FROM min(e."createdAt") - a."createdAt") * 1000 AS ms
                       FROM a JOIN remediation_events e ON e."actionId" = a.id AND e.type = 'EXECUTION_STARTED' GROUP BY a.id, a."createdAt")
       SELECT (SELECT count(*)::int FROM a) AS requested,
              (SELECT count(*)::int FROM a WHERE status = 'COMPLETED') AS completed,
              (SELECT count(*)::int FROM a WHERE status = 'FAILED') AS failed,
              (SELECT extract(epoch FROM max("updatedAt")) * 1000 FROM a WHERE status = 'COMPLETED')::float8 AS last_ms,
              (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FROM pickup)::float8 AS p50,
              (SELECT percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM pickup)::float8 AS p99`,
      [org.organizationId, since],
    );
    const r = rows[0]!;
    // Stopped workers have reported their statistics (and make no idle polls meanwhile).
    await Promise.all(workers.map((w) => w.stop()));
    // The harness's queries in the window: the first read, the two backend lists, the polls, the
    // samples, the query above.
    const harnessCommits = 1 + 2 + polls.count + sampler.samples() + 1;
    const commits = (await settledCommits(client)) - commitsBefore - harnessCommits;
    const walAfter = await walTotals(client);
    const perAction = (n: number) => n / (r.requested || 1);
    const seconds = r.last_ms ? (r.last_ms - started) / 1000 : Number.NaN;
    const result: ExecutionMeasurement = {
      workers: workerCount,
      chain,
      requested: r.requested,
      completed: r.completed,
      failed: r.failed,
      requests,
      seconds: Math.round(seconds * 100) / 100,
      actionsPerSecond: Math.round(r.completed / seconds),
      pickupP50Ms: Math.round((r.p50 ?? Number.NaN) * 10) / 10,
      pickupP99Ms: Math.round((r.p99 ?? Number.NaN) * 10) / 10,
      finished,
      waits,
      machineCpuMsPerAction:
        Math.round(
          ((requests.cpu.machineBusy / 100) * cpus().length * 1000 * requests.seconds * 10) / (requests.requests || 1),
        ) / 10,
      commitsPerAction: Math.round(perAction(commits) * 100) / 100,
      walBytesPerAction: Math.round(perAction(walAfter.bytes - walBefore.bytes)),
      walFullPageImagesPerAction: Math.round(perAction(walAfter.fullPageImages - walBefore.fullPageImages) * 100) / 100,
      ...(workerCpuMs > 0 && { workerCpuMsPerAction: Math.round(perAction(workerCpuMs) * 100) / 100 }),
      ...(databaseCpuMs > 0 && { databaseCpuMsPerAction: Math.round(perAction(databaseCpuMs) * 100) / 100 }),
    };
    log(
      `P5 ${workerCount} worker(s)${chain ? "" : " chain OFF"}: ${result.completed}/${result.requested} completed in ${result.seconds} s ` +
        `(${result.actionsPerSecond}/s), requests ${requests.rps}/s, pickup p50 ${result.pickupP50Ms} ms p99 ${result.pickupP99Ms} ms; ` +
        `${result.commitsPerAction} commits/action; WAL ${result.walBytesPerAction} B/action ` +
        `(${result.walFullPageImagesPerAction} full-page images); CPU/action: app ${requests.serverCpuMsPerRequest} ms, ` +
        `workers ${result.workerCpuMsPerAction ?? "?"} ms, PostgreSQL ${result.databaseCpuMsPerAction ?? "?"} ms; ` +
        `backends waiting: ${JSON.stringify(waits)}`,
    );
    return result;
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    if (!chain) {
      await client.query(`ALTER TABLE remediation_events ENABLE TRIGGER ${WAKE_SEALER}`);
      // The run's events stay out of the next run's way: sealed now, by the harness.
      const t = performance.now();
      const sealed = await sealOrganizations(databaseUrl, [org.organizationId]);
      log(
        `P5 chain OFF: sealed the run's ${sealed} events afterwards in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
    }
    await client.end();
  }
}

const WAKE_SEALER = "remediation_events_wake_sealer";
const SEAL_SWEEP_QUEUE = "audit-seal-sweep";

/** pg-boss's schedule and not yet started jobs of the seal sweep, removed (workers re-add it at start). */
async function unscheduleSealSweep(client: pg.Client, log: (m: string) => void): Promise<void> {
  try {
    const schedule = await client.query("DELETE FROM pgboss.schedule WHERE name = $1", [SEAL_SWEEP_QUEUE]);
    const jobs = await client.query("DELETE FROM pgboss.job WHERE name = $1 AND state = 'created'", [SEAL_SWEEP_QUEUE]);
    log(`P5 chain OFF: seal sweep unscheduled (${schedule.rowCount} schedule, ${jobs.rowCount} queued jobs removed)`);
  } catch (error) {
    log(`P5 chain OFF: could not unschedule the seal sweep (${error instanceof Error ? error.message : error})`);
  }
}
