import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { signToken } from "@/server/auth/bearer";
import { findRepoRoot } from "@/server/data-files";
import { benchEnv, ensureBuilt, startApp, startBaseline, stopAllChildren } from "./app-process";
import { benchConfig, PHASES } from "./config";
import { createBenchDatabase } from "./database";
import { measureApprove } from "./phases/approve";
import { measureAudit } from "./phases/audit";
import { type ExecutionMeasurement, measureExecution } from "./phases/execution";
import { measureBossBaseline } from "./phases/execution-baseline";
import { measureExports } from "./phases/export";
import { measureFirstLoad } from "./phases/first-load";
import { measureLive } from "./phases/live";
import { measureReads, type OrgTarget, selectedReads } from "./phases/reads";
import { measureReplay } from "./phases/replay";
import { measureRetention } from "./phases/retention";
import { machineBusyPercent } from "./proc-stats";
import { evaluate, type Measurements, renderTable } from "./report";
import { benchOrganizations, type SeedResult, seedBenchDatabase } from "./seed";

// `npm run bench [-- --smoke] [-- --keep]`: see bench/README.md.

const runStarted = performance.now();
const log = (m: string) =>
  console.log(`[bench ${((performance.now() - runStarted) / 1000).toFixed(0).padStart(4)} s] ${m}`);
const config = benchConfig();
const root = findRepoRoot();

/** The seed's incidentId for incident k, computed the way seed.ts's SQL does (md5 → uuid). */
function incidentId(org: string, k: number): string {
  const h = createHash("md5").update(`${org}:incident:${k}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function token(organizationId: string, permissions: string[], secret: string, sub = "bench"): Promise<string> {
  return signToken({ sub, organizationId, permissions, ttlSeconds: 3 * 3600 }, secret);
}

function gitCommit(dir = root): string | undefined {
  try {
    return execFileSync("git", ["describe", "--always", "--dirty"], { cwd: dir, stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

/** The body with its `ages` fields (time-dependent) removed; a body that is not a JSON object as is. */
function withoutAges(body: string, ages: readonly string[] = []): string {
  if (ages.length === 0) return body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const field of ages) delete parsed[field];
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

/** The app and the baseline must answer the same bodies, or the P2 ratio compares different work. */
async function compareBodies(app: string, baseline: string, org: OrgTarget): Promise<string[]> {
  const differences: string[] = [];
  for (const endpoint of selectedReads(config.reads)) {
    const p = endpoint.path(org);
    const get = (base: string) =>
      fetch(`${base}${p}`, { headers: { authorization: `Bearer ${org.token}` } }).then((r) => r.text());
    const [a, b] = (await Promise.all([get(app), get(baseline)]).then((bodies) =>
      bodies.map((body) => withoutAges(body, endpoint.ages)),
    )) as [string, string];
    if (a !== b) differences.push(`${endpoint.name}: app ${a.slice(0, 120)} … vs baseline ${b.slice(0, 120)} …`);
  }
  return differences;
}

async function main(): Promise<void> {
  log(
    `mode ${config.mode}: ${config.bigRows} / ${config.otherOrganizations}×${config.otherRows} / ${config.smallRows} rows`,
  );
  if (config.appDir) log(`app from ${config.appDir} (commit ${gitCommit(config.appDir) ?? "?"}), harness from ${root}`);
  const build = ensureBuilt(log, config.appDir);
  const database = config.database
    ? { url: config.database, server: "--database" as const, drop: async () => {} }
    : await createBenchDatabase();
  log(`database ${database.url.replace(/\/\/[^@]*@/, "//")} (${database.server})`);
  const phases: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    try {
      return await fn();
    } finally {
      phases[name] = Math.round((performance.now() - t) / 100) / 10;
    }
  };
  const stopAll = async () => {
    await stopAllChildren();
    if (!config.keepDatabase) await database.drop();
  };
  process.once("SIGINT", () => void stopAll().finally(() => process.exit(130)));
  try {
    const seed: SeedResult = config.database
      ? { organizations: benchOrganizations(config), actions: 0, events: 0, incidents: 0, seconds: 0, steps: {} }
      : await timed("seed", () => seedBenchDatabase(database.url, config, log));
    if (!config.database)
      log(`seeded ${seed.actions} actions, ${seed.events} events, ${seed.incidents} incidents in ${seed.seconds} s`);

    const secret = randomBytes(32).toString("base64url");
    const env = benchEnv(database.url, secret);
    const [app, baseline] = await timed("start", () =>
      Promise.all([startApp(env, config.port, config.appDir), startBaseline(env, config.baselinePort)]),
    );
    log(`app pid ${app.pid} on ${app.url}, baseline pid ${baseline.pid} on ${baseline.url}`);

    const { organizations } = seed;
    const view = ["remediation:view"];
    const big: OrgTarget = {
      organizationId: organizations.big,
      token: await token(organizations.big, view, secret),
      incidentId: incidentId(organizations.big, 0),
    };
    const small: OrgTarget = {
      organizationId: organizations.small,
      token: await token(organizations.small, view, secret),
      incidentId: incidentId(organizations.small, 0),
    };
    const differences = await compareBodies(app.url, baseline.url, big);
    for (const d of differences) log(`  ! baseline body differs: ${d}`);
    if (differences.length && config.appDir)
      log("  (the app is another checkout's: its rows may differ from this baseline's)");

    const machineBusyBefore = await machineBusyPercent(2000);
    log(`machine ${machineBusyBefore}% busy before measuring (both cores = 100%)`);
    if (machineBusyBefore > 15) log("  ! other processes are using the CPU: ratios hold better than absolute figures");
    const measurements: Measurements = { reads: [], execution: [], executionBaseline: [] };
    // P3 first, on the freshly started app: a heap already grown by P1's load would hide the
    // export's own memory growth.
    if (config.phases.has("P3")) {
      measurements.exports = await timed("P3 export", () =>
        measureExports(database.url, app, big, {
          small: config.smallExportRows,
          large: config.exportRows,
          allRows: config.bigRows,
        }),
      );
      log(`P3 export: ${JSON.stringify(measurements.exports)}`);
    }
    // P9 before P1/P2's load (the app's heap) and before P4's purge (the chain's events intact).
    if (config.phases.has("P9")) {
      measurements.audit = await timed("P9 audit export + verify", () => measureAudit(app, big, log));
      log(`P9 audit: ${JSON.stringify(measurements.audit)}`);
    }
    if (config.phases.has("P2"))
      measurements.reads = await timed("P1/P2 reads", () =>
        measureReads(config, { app, baseline }, { big, small }, log),
      );
    await baseline.stop();
    // P6 after the reads' load (a warm server, as operators meet it) and before any phase writes.
    if (config.phases.has("P6")) {
      const org = organizations.others[0]!;
      measurements.firstLoad = await timed("P6 first load", () =>
        measureFirstLoad(config, database.url, app, org, log),
      );
      log(`P6 first load: ${JSON.stringify({ ...measurements.firstLoad, runs: undefined })}`);
    }
    // P7 before P8 (its idle-stream RSS window must not follow a phase that leaves garbage; the
    // replay left ~250 MB of it before it streamed its rows) and before P4/P5/PA (no execute job
    // queued for its worker).
    if (config.phases.has("P7")) {
      const org = "bench-live";
      measurements.live = await timed("P7 live stream", async () =>
        measureLive(
          config,
          database.url,
          env,
          app,
          {
            organizationId: org,
            view: await token(org, view, secret),
            request: await token(org, ["remediation:request"], secret, "bench-requester"),
            incidentWrite: await token(org, ["incident:write"], secret),
          },
          log,
        ),
      );
    }
    // P8 before P4: the purge would take the big organization's 90 days down to 40.
    if (config.phases.has("P8")) {
      measurements.replay = await timed("P8 replay", () => measureReplay(database.url, app, big));
      log(`P8 replay: ${JSON.stringify(measurements.replay)}`);
    }
    if (config.phases.has("P4")) {
      const retention = await timed("P4 retention", async () =>
        measureRetention(
          config,
          database.url,
          app,
          { ...big, adminToken: await token(organizations.big, [...view, "policy:update"], secret) },
          log,
        ),
      );
      measurements.retention = retention;
      log(`P4 retention: ${retention.deletedCount} rows in ${retention.seconds} s`);
    }
    // P5 as the product is, with the audit chain off (harness only) right after the 1-worker run.
    const p5Runs = (config.phases.has("P5") ? config.workerCounts : []).flatMap((workers, i) => [
      { workers, org: organizations.execution[i]!, chain: true },
      ...(workers === 1 ? [{ workers, org: organizations.executionNoChain, chain: false }] : []),
    ]);
    for (const { workers, org, chain } of p5Runs) {
      // Bare pg-boss with as many worker processes first, on the same database in the same run.
      if (chain)
        measurements.executionBaseline.push(
          await timed(`P5 baseline ${workers} worker(s)`, () =>
            measureBossBaseline(config, database.url, env, workers, log),
          ),
        );
      const result: ExecutionMeasurement = await timed(
        `P5 ${workers} worker(s)${chain ? "" : " chain OFF"}`,
        async () =>
          measureExecution(
            config,
            database.url,
            env,
            app,
            {
              organizationId: org,
              token: "",
              incidentId: incidentId(org, 0),
              requestToken: await token(org, ["remediation:request"], secret),
            },
            workers,
            log,
            chain,
          ),
      );
      measurements.execution.push(result);
    }
    // After P5: its workers would otherwise pick up the execute jobs the approvals leave queued.
    if (config.phases.has("PA")) {
      const org = organizations.approve;
      measurements.approve = await timed("PA approve", async () =>
        measureApprove(
          config,
          database.url,
          app,
          {
            organizationId: org,
            incidentId: incidentId(org, 0),
            requestToken: await token(org, ["remediation:request"], secret, "bench-requester"),
            // Another principal than the requester: separation of duties.
            approverToken: await token(org, ["remediation:approve"], secret, "bench-approver"),
          },
          log,
        ),
      );
    }
    await app.stop();

    const checks = evaluate(measurements);
    const table = renderTable(checks);
    const versionClient = new pg.Client({ connectionString: database.url });
    await versionClient.connect();
    const serverVersion = (await versionClient.query<{ server_version: string }>("SHOW server_version")).rows[0]
      ?.server_version;
    await versionClient.end();
    const results = {
      mode: config.mode,
      date: new Date().toISOString(),
      commit: gitCommit(),
      ...(config.appDir && { app: { dir: config.appDir, commit: gitCommit(config.appDir) } }),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        loadAverage: os.loadavg(),
      },
      database: { server: database.server, postgres: serverVersion },
      config,
      build,
      seed,
      machineBusyBefore,
      baselineBodyDifferences: differences,
      phasesSeconds: phases,
      totalSeconds: Math.round((performance.now() - runStarted) / 1000),
      checks,
      table,
      measurements,
    };
    const dir = path.join(root, "bench", "results");
    mkdirSync(dir, { recursive: true });
    // A partial or re-measured run never overwrites the deliberate full run's file.
    const partial = config.database !== undefined || config.phases.size < PHASES.length;
    const file = path.join(dir, partial ? "partial.json" : config.mode === "full" ? "latest.json" : "smoke.json");
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\n${table}\n`);
    const targets = checks.filter((c) => !c.info);
    const failed = targets.filter((c) => !c.pass).length;
    log(
      `${targets.length - failed} targets met, ${failed} missed; results in ${path.relative(root, file)}; total ${results.totalSeconds} s`,
    );
    if (config.mode === "smoke")
      log("smoke mode: tables too small for the targets to mean anything; exit 0 unless the harness broke");
  } finally {
    await stopAll();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
