import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { findRepoRoot } from "@/server/data-files";
import type { BenchConfig } from "../config";
import { type LoadResult, runLoad, warmUp } from "../load";
import { databaseCpu, databaseCpuSince, processCpuMs } from "../proc-stats";
import { waitSampler } from "../wait-sampler";
import type { OrgTarget, ServerTarget } from "./reads";

export interface RetentionMeasurement {
  retentionDays: number;
  eligibleRows: number;
  deletedCount: number;
  seconds: number;
  rowsPerSecond: number;
  idle: LoadResult;
  duringPurge: LoadResult;
  /** Counter rows that disagree with COUNT(*) after the purge (must be 0). */
  counterDrift: number;
  eventsLeftForDeletedActions: number;
  /** Average active backends per wait event during the purge (see wait-sampler.ts). */
  waits: Record<string, number>;
  /**
   * The audit chain (docs/audit.md#pruning): the organization's events the purge deleted, of
   * them the sealed ones, and the pruned stubs it wrote (must equal the sealed ones).
   */
  eventsDeleted: number;
  sealedEventsDeleted: number;
  stubsWritten: number;
  /**
   * The same eligible actions and their events, copied to plain tables with the same indexes and
   * no triggers, deleted by one bare statement in this run: the floor a purge could reach here.
   */
  baseline?: { rows: number; seconds: number; rowsPerSecond: number; cpuMicrosPerRow?: number };
  /**
   * PostgreSQL CPU per deleted action (µs), which other sessions' load does not change the way
   * it changes rows/s: every backend of the bench database during the purge, less the list
   * reads' share (their idle CPU per request × the requests served during the purge). Local
   * servers only (/proc); absent otherwise.
   */
  cpuMicrosPerRow?: number;
  /** bench/results/latest.json's P4 rows/s when this run started (the figure to compare with). */
  previous?: { rowsPerSecond: number; date: string; commit?: string };
}

/** The last full run's P4 figure, read before this run can overwrite it. */
function previousRetention(): RetentionMeasurement["previous"] {
  try {
    const latest = JSON.parse(readFileSync(path.join(findRepoRoot(), "bench", "results", "latest.json"), "utf8"));
    const rowsPerSecond = latest?.measurements?.retention?.rowsPerSecond;
    return typeof rowsPerSecond === "number" ? { rowsPerSecond, date: latest.date, commit: latest.commit } : undefined;
  } catch {
    return undefined;
  }
}

const CHAIN_SQL = `SELECT (SELECT count(*) FROM remediation_events WHERE "organizationId" = $1)::int AS events,
  (SELECT count(*) FROM remediation_events WHERE "organizationId" = $1 AND seq IS NOT NULL)::int AS sealed,
  (SELECT count(*) FROM audit_pruned_events WHERE "organizationId" = $1)::int AS stubs`;

const ELIGIBLE_SQL = `SELECT count(*)::int AS n FROM remediation_actions
  WHERE "organizationId" = $1 AND status IN ('COMPLETED', 'FAILED', 'REJECTED') AND "createdAt" < now() - make_interval(days => $2)`;

const ELIGIBLE_WHERE = `"organizationId" = $1 AND status IN ('COMPLETED', 'FAILED', 'REJECTED')
  AND "createdAt" < now() - make_interval(days => $2)`;

/**
 * The purge's floor in this run: the eligible actions and their events copied to plain tables
 * (same columns and indexes, no triggers, no chain), then deleted by one statement.
 */
async function measureBareDelete(client: pg.Client, org: string, retentionDays: number) {
  const tables = ["bench_p4_actions", "bench_p4_events"];
  const drop = () => client.query(`DROP TABLE IF EXISTS ${tables.join(", ")}`);
  await drop();
  try {
    await client.query("CREATE TABLE bench_p4_actions (LIKE remediation_actions INCLUDING DEFAULTS INCLUDING INDEXES)");
    await client.query("CREATE TABLE bench_p4_events (LIKE remediation_events INCLUDING DEFAULTS INCLUDING INDEXES)");
    await client.query(`INSERT INTO bench_p4_actions SELECT * FROM remediation_actions WHERE ${ELIGIBLE_WHERE}`, [
      org,
      retentionDays,
    ]);
    await client.query(
      `INSERT INTO bench_p4_events SELECT e.* FROM remediation_events e JOIN bench_p4_actions a ON a.id = e."actionId"`,
    );
    await client.query("VACUUM ANALYZE bench_p4_actions, bench_p4_events");
    const backend = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    const cpuBefore = processCpuMs(backend);
    const started = performance.now();
    const { rows } = await client.query<{ n: number }>(
      `WITH gone AS (DELETE FROM bench_p4_actions WHERE ${ELIGIBLE_WHERE} RETURNING id),
            events AS (DELETE FROM bench_p4_events WHERE "actionId" IN (SELECT id FROM gone))
       SELECT count(*)::int AS n FROM gone`,
      [org, retentionDays],
    );
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = processCpuMs(backend) - cpuBefore;
    const n = rows[0]!.n;
    return {
      rows: n,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(n / seconds),
      ...(cpuMs > 0 && { cpuMicrosPerRow: Math.round((cpuMs * 1000 * 10) / n) / 10 }),
    };
  } finally {
    await drop();
  }
}

/**
 * Days of retention that leave about `target` eligible rows (terminal, older than the cutoff) in
 * the organization: the seed spreads rows evenly over 90 days, so eligible(d) falls linearly.
 */
async function retentionDaysFor(client: pg.Client, org: string, target: number): Promise<number> {
  let best = { days: 30, diff: Number.POSITIVE_INFINITY };
  for (const days of [30, 35, 40, 45, 50, 60]) {
    const { rows } = await client.query<{ n: number }>(ELIGIBLE_SQL, [org, days]);
    const diff = Math.abs(rows[0]!.n - target);
    if (diff < best.diff) best = { days, diff };
  }
  return best.days;
}

/**
 * P4: the operators' list read (purgeReadConnections connections) measured idle, then again
 * while POST /remediation/reporting/enforce-retention deletes about half the big organization
 * (its retention set through PUT /remediation/reporting/settings). The read run is stopped
 * when the purge answers.
 */
export async function measureRetention(
  config: BenchConfig,
  databaseUrl: string,
  app: ServerTarget,
  org: OrgTarget & { adminToken: string },
  log: (m: string) => void,
): Promise<RetentionMeasurement> {
  const previous = previousRetention();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const retentionDays = await retentionDaysFor(client, org.organizationId, Math.round(config.bigRows / 2));
    const put = await fetch(`${app.url}/remediation/reporting/settings`, {
      method: "PUT",
      headers: { authorization: `Bearer ${org.adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ retentionDays }),
    });
    if (put.status !== 200) throw new Error(`PUT settings answered ${put.status}: ${await put.text()}`);
    const eligibleRows = (await client.query<{ n: number }>(ELIGIBLE_SQL, [org.organizationId, retentionDays])).rows[0]!
      .n;

    const baseline = await measureBareDelete(client, org.organizationId, retentionDays);
    log(`P4 baseline: bare DELETE of ${baseline.rows} rows in ${baseline.seconds} s`);

    const read = {
      url: `${app.url}/remediation/actions?limit=50`,
      token: org.token,
      connections: config.purgeReadConnections,
      serverPid: app.pid,
    };
    await warmUp({ ...read, durationSeconds: config.warmupSeconds }, config.warmupSeconds);
    const idleCpu = await databaseCpu(client);
    const idle = await runLoad({ ...read, durationSeconds: config.durationSeconds });
    const idleDbCpuMs = await databaseCpuSince(client, idleCpu);

    const chainBefore = (
      await client.query<{ events: number; sealed: number; stubs: number }>(CHAIN_SQL, [org.organizationId])
    ).rows[0]!;
    log(`P4: purging ${eligibleRows} eligible rows (retention ${retentionDays} days) under read load …`);
    const purgeCpu = await databaseCpu(client);
    const sampler = waitSampler(databaseUrl);
    const started = performance.now();
    let finished = 0;
    const purge = fetch(`${app.url}/remediation/reporting/enforce-retention`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.adminToken}` },
    }).then(async (res) => {
      finished = performance.now();
      const body = (await res.json()) as { deletedCount?: number };
      if (res.status !== 200) throw new Error(`enforce-retention answered ${res.status}: ${JSON.stringify(body)}`);
      return body;
    });
    const [duringPurge, body] = await Promise.all([runLoad({ ...read, until: purge.catch(() => {}) }), purge]);
    const seconds = (finished - started) / 1000;
    const purgeDbCpuMs = await databaseCpuSince(client, purgeCpu);
    const waits = await sampler.stop();

    const drift = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM
      (SELECT "organizationId", environment, status, count(*) AS c FROM remediation_actions WHERE "organizationId" = $1 GROUP BY 1, 2, 3) a
      FULL JOIN (SELECT "organizationId", environment, status, sum(count) AS count FROM remediation_counters
                 WHERE "organizationId" = $1 GROUP BY 1, 2, 3 HAVING sum(count) <> 0) r USING ("organizationId", environment, status)
      WHERE a.c IS DISTINCT FROM r.count`,
      [org.organizationId],
    );
    const orphans = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM remediation_events e
      WHERE e."organizationId" = $1 AND e."actionId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM remediation_actions a WHERE a.id = e."actionId")`,
      [org.organizationId],
    );
    const chainAfter = (
      await client.query<{ events: number; sealed: number; stubs: number }>(CHAIN_SQL, [org.organizationId])
    ).rows[0]!;
    const deletedCount = body.deletedCount ?? 0;
    const readsCpuMs = idle.requests > 0 ? (idleDbCpuMs / idle.requests) * duringPurge.requests : 0;
    const cpuMicrosPerRow =
      purgeDbCpuMs > 0 && deletedCount > 0
        ? Math.round(((purgeDbCpuMs - readsCpuMs) * 1000 * 10) / deletedCount) / 10
        : undefined;
    return {
      retentionDays,
      eligibleRows,
      deletedCount,
      seconds: Math.round(seconds * 100) / 100,
      rowsPerSecond: Math.round(deletedCount / seconds),
      idle,
      duringPurge,
      counterDrift: drift.rows[0]!.n,
      eventsLeftForDeletedActions: orphans.rows[0]!.n,
      waits,
      eventsDeleted: chainBefore.events - chainAfter.events,
      sealedEventsDeleted: chainBefore.sealed - chainAfter.sealed,
      stubsWritten: chainAfter.stubs - chainBefore.stubs,
      baseline,
      ...(cpuMicrosPerRow !== undefined && { cpuMicrosPerRow }),
      ...(previous && { previous }),
    };
  } finally {
    await client.end();
  }
}
