// The execution-worker fixture: an in-process worker or real worker processes for given
// settings, the local webhook receiver they call, and polling for the state a test waits for
// (never a fixed sleep).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { WorkOptions } from "pg-boss";
import { db } from "@/server/db/client";
import { findAction, findExecutionState } from "@/server/db/stores/actions";
import { listEventsOfAction } from "@/server/db/stores/events";
import { createExecuteJob, createReconcileExecutionsJob } from "@/server/execution/jobs";
import { EXECUTE_QUEUE, ensureExecuteQueue } from "@/server/execution/queue";
import type { ExecutionSettings } from "@/server/execution/settings";
import { senderBoss } from "@/server/jobs/boss";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";

// ── settings ─────────────────────────────────────────────────────────────────────────────────

/** The same settings as environment variables, for a worker process (README "Configuration"). */
function settingsEnv(settings: ExecutionSettings, superviseIntervalSeconds?: number): Record<string, string> {
  const vars: Record<string, string | number | undefined> = {
    REMEDIATION_EXECUTOR: settings.executor,
    REMEDIATION_WEBHOOK_URL: settings.webhookUrl ?? "",
    REMEDIATION_WEBHOOK_SECRET: settings.webhookSecret ?? "",
    REMEDIATION_EXECUTION_TIMEOUT_MS: settings.timeoutMs,
    REMEDIATION_SIMULATED_DELAY_MS: settings.simulatedDelayMs,
    REMEDIATION_EXECUTION_RETRIES: settings.retries,
    REMEDIATION_RETRY_BASE_DELAY_MS: settings.retryBaseDelayMs,
    REMEDIATION_RETRY_MAX_DELAY_MS: settings.retryMaxDelayMs,
    REMEDIATION_EXECUTION_HEARTBEAT_SECONDS: settings.heartbeatSeconds,
    PGBOSS_SUPERVISE_INTERVAL_SECONDS: superviseIntervalSeconds,
  };
  return Object.fromEntries(
    Object.entries(vars)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

interface WorkerOptions {
  /** pg-boss supervise pass (default PGBOSS_SUPERVISE_INTERVAL_SECONDS). */
  superviseIntervalSeconds?: number;
  /** Overrides of the execute job's work options (e.g. a long poll, to prove NOTIFY wakes it). */
  work?: WorkOptions;
}

// ── in-process worker ────────────────────────────────────────────────────────────────────────

/** The remediation-execute worker in this process, running with `settings`. Stop it in afterAll. */
export async function startExecutionWorker(
  settings: ExecutionSettings,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  await ensureExecuteQueue();
  const job = createExecuteJob(settings);
  const worker = options.work ? { ...job, work: { ...job.work, ...options.work } } : job;
  return startWorker([worker], { superviseIntervalSeconds: options.superviseIntervalSeconds });
}

/** The scheduled reconciler's handler with `settings`, run once now with the sender's pg-boss. */
export async function runReconciler(settings: ExecutionSettings): Promise<void> {
  await createReconcileExecutionsJob(settings).handle([], await senderBoss());
}

// ── worker processes ─────────────────────────────────────────────────────────────────────────

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Process output, for the failure message when it misbehaves. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

const ENTRY = path.resolve(import.meta.dirname, "execution-worker-entry.ts");

/**
 * A real worker process (src/test/execution-worker-entry.ts) on this file's database, configured
 * through its environment. `node --import tsx` (what `npx tsx` runs, without the npm wrapper
 * process, so a signal reaches the worker itself). Resolves once it is listening for jobs.
 */
export async function spawnWorkerProcess(
  settings: ExecutionSettings,
  options: { superviseIntervalSeconds?: number; readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, LOG_LEVEL: "silent", ...settingsEnv(settings, options.superviseIntervalSeconds) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready in ${readyTimeoutMs} ms:\n${log}`)),
      readyTimeoutMs,
    );
    child.stdout?.on("data", () => {
      if (log.includes("worker-ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${log}`));
    });
  });
  return { child, exited, output: () => log, kill: (signal) => child.kill(signal) };
}

// ── the webhook receiver ─────────────────────────────────────────────────────────────────────

interface ReceivedCall {
  headers: IncomingMessage["headers"];
  rawBody: Buffer;
  body: Record<string, unknown>;
}

/** Answers one call; return nothing to leave the request hanging (timeout tests). */
type Responder = (call: ReceivedCall, res: ServerResponse, nthCallForAction: number) => void;

export interface Receiver {
  url: string;
  calls: ReceivedCall[];
  callsFor(actionId: string): ReceivedCall[];
  close(): Promise<void>;
}

/** A real HTTP server standing in for the system that carries out remediations. */
export async function startReceiver(respond: Responder): Promise<Receiver> {
  const calls: ReceivedCall[] = [];
  const callsFor = (actionId: string) => calls.filter((c) => c.body.actionId === actionId);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        // recorded as-is; the test asserts on it
      }
      const call = { headers: req.headers, rawBody, body };
      calls.push(call);
      respond(call, res, callsFor(String(body.actionId)).length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/remediate`,
    calls,
    callsFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

// ── polling and reading back ─────────────────────────────────────────────────────────────────

/** Polls `probe` until it returns a value other than undefined/null/false (no fixed sleeps). */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  { timeoutMs = 20_000, intervalMs = 25, what = "condition" } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The action as stored, with its attempts and its events (oldest first), through the stores. One
 * read after the other, row first: a transition writes its event in the same statement, so the
 * events read afterwards include every one of the status read (parallel reads could miss one).
 */
export async function loadAction(organizationId: string, actionId: string) {
  const action = await findAction(db(), organizationId, actionId);
  const state = await findExecutionState(db(), organizationId, actionId);
  const events = await listEventsOfAction(db(), organizationId, actionId);
  if (!action || !state) throw new Error(`action ${actionId} not found in ${organizationId}`);
  return { ...action, attempts: state.attempts, events };
}

const TERMINAL = ["COMPLETED", "FAILED", "REJECTED"];

export async function waitForTerminal(organizationId: string, actionId: string, timeoutMs = 20_000) {
  return waitFor(
    async () => {
      const action = await loadAction(organizationId, actionId);
      return TERMINAL.includes(action.status) ? action : undefined;
    },
    { timeoutMs, what: `action ${actionId} to finish` },
  );
}

/** The action's event types, oldest first. */
export async function eventTypes(organizationId: string, actionId: string): Promise<string[]> {
  return (await listEventsOfAction(db(), organizationId, actionId)).map((e) => e.type);
}

/** Every execution job ever created for the action (any state). */
export async function jobsFor(actionId: string) {
  const boss = await senderBoss();
  return boss.findJobs(EXECUTE_QUEUE, { key: actionId });
}

export async function jobCount(actionId: string): Promise<number> {
  return (await jobsFor(actionId)).length;
}
