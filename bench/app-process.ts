import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { findRepoRoot } from "@/server/data-files";
import { buildApp } from "../scripts/build";
import { buildIsCurrent } from "../scripts/build-stamp";

const ROOT = findRepoRoot();
const BENCH_AUDIT_KEY = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const running = new Set<ChildProcess>();

/** The environment every process of the bench shares (docs/behaviour.md#configuration). */
export function benchEnv(databaseUrl: string, authSecret: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    AUTH_SECRET: authSecret,
    // A declared production deployment needs its audit signing key (docs/audit.md#keys).
    AUDIT_SIGNING_KEY: BENCH_AUDIT_KEY,
    RUN_WORKER: "false",
    DEMO_SEED: "false",
    REMEDIATION_EXECUTOR: "simulated",
    REMEDIATION_SIMULATED_DELAY_MS: "0",
    LOG_LEVEL: "warn",
    NEXT_TELEMETRY_DISABLED: "1",
    CHECKPOINT_DISABLE: "1",
  };
}

/**
 * Another checkout's own build check and build (`--app-dir`): its scripts/build-stamp.ts and
 * scripts/build.ts read their paths relative to the working directory, so they run in a node
 * process started there. Exit 0: the build was current; 100: it was rebuilt.
 */
const BUILD_OTHER_CHECKOUT = `
const stamp = await import("./scripts/build-stamp.ts");
if (!stamp.buildIsCurrent()) {
  console.log("build: sources changed since the last build (or none yet): next build …");
  (await import("./scripts/build.ts")).buildApp();
  process.exit(100);
}`;

/**
 * Like `npm start`: a production build when there is none or the sources changed since; of this
 * checkout, or of `appDir` (`--app-dir`).
 */
export function ensureBuilt(log: (m: string) => void, appDir = ROOT): { built: boolean; seconds: number } {
  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  if (appDir !== ROOT) {
    log(`app from ${appDir}: its build check (and build when stale) …`);
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", BUILD_OTHER_CHECKOUT], {
      cwd: appDir,
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    });
    if (result.status !== 0 && result.status !== 100) throw new Error(`build of ${appDir} failed (${result.status})`);
    return { built: result.status === 100, seconds: seconds() };
  }
  if (buildIsCurrent()) return { built: false, seconds: 0 };
  log("build: sources changed since the last build (or none yet): next build …");
  buildApp();
  return { built: true, seconds: seconds() };
}

export interface Child {
  /** The process that serves: `node --import tsx <script>`, no npx/tsx wrapper in between. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Runs a TypeScript entry point of the checkout `dir` in ONE node process (tsx as a loader, not
 * as a wrapper that forks), so its pid is the server's own for /proc sampling.
 */
function spawnScript(
  script: string,
  env: NodeJS.ProcessEnv,
  name: string,
  dir = ROOT,
  nodeArgs: string[] = [],
): Child & { child: ChildProcess } {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", path.join(dir, script)], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let log = "";
  const keep = (d: Buffer) => {
    log = (log + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.on("exit", () => running.delete(child));
  if (!child.pid) throw new Error(`${name}: could not spawn ${script}`);
  return {
    child,
    pid: child.pid,
    output: () => log,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Every child still running (on a failure or Ctrl-C), each by its own pid. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c, 5_000)));
}

async function waitForHealth(url: string, child: Child & { child: ChildProcess }, name: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.child.exitCode !== null) throw new Error(`${name} exited (${child.child.exitCode}):\n${child.output()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await child.stop();
  throw new Error(`${name} not healthy within ${timeoutMs} ms:\n${child.output()}`);
}

/**
 * The built app in production mode (scripts/start.ts), RUN_WORKER=false: this checkout's, or
 * `appDir`'s (`--app-dir`, same environment; it applies its own migrations at start, which finds
 * this checkout's already applied).
 */
export async function startApp(env: NodeJS.ProcessEnv, port: number, appDir = ROOT): Promise<Child & { url: string }> {
  // BENCH_APP_NODE_ARGS (BENCH_BASELINE_NODE_ARGS for the baseline): node flags for that process
  // only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (written when it stops; --cpu-prof is not
  // allowed in NODE_OPTIONS).
  const nodeArgs = process.env.BENCH_APP_NODE_ARGS?.split(/\s+/).filter(Boolean);
  const child = spawnScript("scripts/start.ts", { ...env, PORT: String(port) }, "app", appDir, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, "app", 180_000);
  return { ...child, url };
}

/** bench/baseline-server.ts: the same SQL through plain pg behind node:http. */
export async function startBaseline(env: NodeJS.ProcessEnv, port: number): Promise<Child & { url: string }> {
  const nodeArgs = process.env.BENCH_BASELINE_NODE_ARGS?.split(/\s+/).filter(Boolean);
  const child = spawnScript("bench/baseline-server.ts", { ...env, PORT: String(port) }, "baseline", ROOT, nodeArgs);
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, "baseline", 60_000);
  return { ...child, url };
}

/**
 * `npm run worker` (src/worker.ts) processes of this checkout or of `appDir`; ready once each has
 * logged "worker started".
 */
export async function startWorkers(env: NodeJS.ProcessEnv, count: number, appDir = ROOT): Promise<Child[]> {
  const nodeArgs = process.env.BENCH_WORKER_NODE_ARGS?.split(/\s+/).filter(Boolean);
  return Promise.all(
    // Info level only to see the readiness line; the worker logs nothing per job at info.
    Array.from({ length: count }, (_, i) =>
      startUntilReady(
        "src/worker.ts",
        { ...env, LOG_LEVEL: "info" },
        `worker ${i + 1}`,
        '"msg":"worker started"',
        appDir,
        nodeArgs,
      ),
    ),
  );
}

/** A script of this checkout (`node --import tsx`), once it has printed `ready` (60 s at most). */
export async function startUntilReady(
  script: string,
  env: NodeJS.ProcessEnv,
  name: string,
  ready: string,
  dir = ROOT,
  nodeArgs?: string[],
): Promise<Child> {
  const child = spawnScript(script, env, name, dir, nodeArgs);
  const deadline = Date.now() + 60_000;
  while (!child.output().includes(ready)) {
    if (child.child.exitCode !== null) throw new Error(`${name} exited (${child.child.exitCode}):\n${child.output()}`);
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${name} not started within 60 s:\n${child.output()}`);
    }
    await sleep(50);
  }
  return child;
}
