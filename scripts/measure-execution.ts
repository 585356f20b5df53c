// Measures the execution pipeline with real worker processes (`src/worker.ts`, what `npm run
// worker` runs) and the simulated executor at 0 ms:
//   pickup latency  = EXECUTION_STARTED event createdAt − action createdAt (the row and its job
//                     are committed together), actions created one by one, spaced out;
//   throughput      = a burst of actions committed at once, drained by the workers.
// Runs on a scratch database (created and dropped) on DATABASE_URL's server, or on the embedded
// one when DATABASE_URL is unset.
//
// Every status change also updates an organization+environment counter row (a trigger); the
// 16 counter stripes (by action id) spread one busy key, --environments spreads it further.
//
//   npx tsx scripts/measure-execution.ts [--latency 200] [--burst 2000] [--workers 1,2] [--environments 1]
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { findRepoRoot } from "@/server/data-files";
import { resolveDatabase } from "@/server/db/bootstrap";
import { db, disconnectDb, transaction } from "@/server/db/client";
import { migrateDatabase, queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";
import { type ActionLoad, insertActions } from "@/server/db/stores/actions";
import { setEnv } from "@/server/env";
import { EXECUTE_QUEUE, enqueueExecution, ensureExecuteQueue } from "@/server/execution/queue";
import { senderBoss, stopSenderBoss } from "@/server/jobs/boss";
import { bossExecutor } from "@/server/jobs/tx-executor";

const { values: args } = parseArgs({
  options: {
    latency: { type: "string", default: "200" },
    burst: { type: "string", default: "2000" },
    workers: { type: "string", default: "1,2" },
    environments: { type: "string", default: "1" },
  },
});
const LATENCY_ACTIONS = Number(args.latency);
const BURST_ACTIONS = Number(args.burst);
const WORKER_COUNTS = args.workers.split(",").map(Number);
const ENVIRONMENTS = Number(args.environments);
const WARM_UP_ACTIONS = 20;
const ROOT = findRepoRoot();

Object.assign(process.env, {
  REMEDIATION_EXECUTOR: "simulated",
  REMEDIATION_SIMULATED_DELAY_MS: "0",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});

function spawnWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src/worker.ts")], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let log = "";
    child.stdout?.on("data", (d: Buffer) => {
      log += d.toString();
      if (log.includes('"msg":"worker started"')) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`worker exited (${code}) before it started:\n${log}`)));
  });
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  const exits = workers.map((w) => new Promise<void>((resolve) => w.once("exit", () => resolve())));
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(exits);
}

async function waitUntilFinished(ids: string[], timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const done = await db().remediationAction.count({
      where: { id: { in: ids }, status: { in: ["COMPLETED", "FAILED"] } },
    });
    if (done === ids.length) return;
    await sleep(50);
  }
  throw new Error(`actions not finished within ${timeoutMs} ms`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function actionData(incidentId: string, n = 0): ActionLoad {
  return {
    id: randomUUID(),
    incidentId,
    actionType: "restart-service",
    parameters: { service: "checkout" },
    serviceName: "checkout",
    environment: `env-${n % ENVIRONMENTS}`,
    severity: "LOW" as const,
    status: "QUEUED" as const,
    performedBy: "measure",
  };
}

/**
 * One action at a time, each committed with its job (the request/approve path), spaced out. The
 * first few after a worker starts (cold connections, JIT) are run but not counted.
 */
async function measureLatency(organizationId: string, incidentId: string) {
  const ids: string[] = [];
  for (let i = 0; i < WARM_UP_ACTIONS + LATENCY_ACTIONS; i++) {
    const action = actionData(incidentId);
    await transaction(db(), async (tx) => {
      await insertActions(tx, organizationId, [action]);
      await enqueueExecution(tx, { actionId: action.id, organizationId });
    });
    const id = action.id;
    ids.push(id);
    await sleep(20);
  }
  await waitUntilFinished(ids);
  ids.splice(0, WARM_UP_ACTIONS);
  const rows = await db().$queryRaw<{ ms: number }[]>`
    SELECT (EXTRACT(EPOCH FROM (e."createdAt" - a."createdAt")) * 1000)::float8 AS ms
    FROM remediation_actions a JOIN remediation_events e ON e."actionId" = a.id AND e.type = 'EXECUTION_STARTED'
    WHERE a.id = ANY(${ids}::uuid[]) ORDER BY a."createdAt"`;
  if (process.env.MEASURE_DEBUG) console.log(rows.map((r) => Math.round(r.ms)).join(" "));
  const sorted = rows.map((r) => r.ms).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? Number.NaN };
}

/** A burst committed at once (500 per transaction), drained by the workers. */
async function measureThroughput(organizationId: string, incidentId: string) {
  const boss = await senderBoss();
  const rows = Array.from({ length: BURST_ACTIONS }, (_, n) => actionData(incidentId, n));
  const started = Date.now();
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await transaction(db(), async (tx) => {
      await insertActions(tx, organizationId, chunk);
      await boss.insert(
        EXECUTE_QUEUE,
        chunk.map((r) => ({ data: { actionId: r.id, organizationId }, singletonKey: r.id })),
        { db: bossExecutor(tx) },
      );
    });
  }
  const ids = rows.map((r) => r.id);
  await waitUntilFinished(ids);
  const elapsedMs = Date.now() - started;
  return { actionsPerSecond: Math.round((BURST_ACTIONS / elapsedMs) * 1000), elapsedMs };
}

async function main(): Promise<void> {
  const server = await resolveDatabase();
  const scratch = `rcc_measure_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(server.url, scratch);
  await queryServer(server.url, `CREATE DATABASE ${quoteIdent(scratch)}`);
  setEnv({ DATABASE_URL: url });
  const results: Record<string, unknown>[] = [];
  try {
    await migrateDatabase(url);
    await ensureExecuteQueue();
    const organizationId = `measure-${randomBytes(3).toString("hex")}`;
    await db().organization.create({ data: { id: organizationId, name: "Measure" } });
    const incident = await db().incident.create({
      data: { organizationId, title: "Measure", serviceName: "checkout", environment: "staging", severity: "LOW" },
    });
    for (const count of WORKER_COUNTS) {
      const workers = await Promise.all(Array.from({ length: count }, spawnWorker));
      try {
        const latency = await measureLatency(organizationId, incident.id);
        const throughput = await measureThroughput(organizationId, incident.id);
        results.push({
          workers: count,
          "pickup p50 ms": latency.p50.toFixed(1),
          "pickup p99 ms": latency.p99.toFixed(1),
          "pickup max ms": latency.max.toFixed(1),
          [`burst of ${BURST_ACTIONS}: actions/s`]: throughput.actionsPerSecond,
          "burst drained in ms": throughput.elapsedMs,
        });
      } finally {
        await stopWorkers(workers);
      }
    }
  } finally {
    await stopSenderBoss();
    await disconnectDb();
    await queryServer(server.url, `DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`);
    await server.stop();
  }
  console.table(results);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
