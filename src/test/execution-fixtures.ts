// The execution-worker fixture: an in-process worker or real worker processes for given
// settings, the local webhook receiver they call, and polling for the state a test waits for
// (never a fixed sleep).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { WorkOptions } from "pg-boss";
import { afterAll, beforeAll } from "vitest";
import { db } from "@/server/db/client";
import { recountActions } from "@/server/db/simulate";
import { findAction, findExecutionState } from "@/server/db/stores/actions";
import { type ActionEventType, listEventsOfAction } from "@/server/db/stores/events";
import { createExecuteJob, createReconcileExecutionsJob } from "@/server/execution/jobs";
import { EXECUTE_QUEUE, ensureExecuteQueue } from "@/server/execution/queue";
import type { ExecutionSettings } from "@/server/execution/settings";
import { senderBoss } from "@/server/jobs/boss";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import { type ActionOverrides, createAction, createActions } from "./factories";
import { testExecutionSettings } from "./settings";

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

/** A checkout action on staging, queued with its job, as the request/approve use cases leave it. */
export const QUEUED_CHECKOUT = {
  parameters: { service: "checkout" },
  serviceName: "checkout",
  environment: "staging",
  details: { policy: { outcome: "QUEUED", reasons: [] } },
  enqueue: true,
} as const satisfies ActionOverrides;

export function createQueuedAction(
  organizationId: string,
  incidentId: string,
  overrides: ActionOverrides = {},
): Promise<string> {
  return createAction(organizationId, { incidentId, ...QUEUED_CHECKOUT, ...overrides });
}

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
  /**
   * Runs the job's handler once in that process now (as a delivery by pg-boss would); resolves
   * when it returned, rejects with its error. The job must be one the process was spawned with.
   */
  runJob(name: string): Promise<void>;
}

let runSerial = 0;

const ENTRY = path.resolve(import.meta.dirname, "execution-worker-entry.ts");

/**
 * A real worker process (src/test/execution-worker-entry.ts) on this file's database, configured
 * through its environment. `node --import tsx` (what `npx tsx` runs, without the npm wrapper
 * process, so a signal reaches the worker itself). Resolves once it is listening for jobs.
 * `jobs`: the names of the jobs it runs (src/server/job-registry.ts); default remediation-execute.
 */
export async function spawnWorkerProcess(
  settings: ExecutionSettings,
  options: {
    superviseIntervalSeconds?: number;
    readyTimeoutMs?: number;
    jobs?: readonly string[];
    /** More environment variables for that process (e.g. its email adapter). */
    env?: Record<string, string>;
  } = {},
): Promise<WorkerProcess> {
  // A worker process compiles the app with tsx on start: on a loaded 2-core machine that took over 30 s.
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, ...(options.jobs ?? [])], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: {
      ...process.env,
      LOG_LEVEL: "silent",
      ...settingsEnv(settings, options.superviseIntervalSeconds),
      ...options.env,
    },
    stdio: ["pipe", "pipe", "pipe"],
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
  async function runJob(name: string): Promise<void> {
    const id = ++runSerial;
    child.stdin?.write(`run ${id} ${name}\n`);
    const answer = await waitFor(async () => log.match(new RegExp(`^(ran|run-failed) ${id}\\b(.*)$`, "m")), {
      timeoutMs: 60_000,
      what: `job ${name} to run in the worker process`,
    });
    if (answer[1] === "run-failed") throw new Error(`job ${name} failed in the worker process:${answer[2]}`);
  }
  return { child, exited, output: () => log, kill: (signal) => child.kill(signal), runJob };
}

/**
 * Two worker processes on this file's database running only the schedule `job` (its queue and
 * its cron), started before the file's tests and stopped after them (vitest hooks). `sweepInBoth`
 * runs the job's handler in both at the same moment, as two workers woken by one tick would.
 */
export function twoScheduleWorkers(
  job: string,
  options: {
    /** Their environment; a function when it depends on `beforeStart` (e.g. a stand-in's URL). */
    env?: () => Record<string, string>;
    readyTimeoutMs?: number;
    beforeStart?: () => Promise<void>;
    /** After both processes exited (e.g. close the stand-in they sent to). */
    afterStop?: () => Promise<void>;
  } = {},
): { workers: WorkerProcess[]; sweepInBoth: () => Promise<unknown> } {
  const workers: WorkerProcess[] = [];
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  // Two processes starting on a busy machine: more time than the default hook timeout.
  beforeAll(async () => {
    await options.beforeStart?.();
    const env = options.env?.();
    workers.push(
      ...(await Promise.all(
        [1, 2].map(() =>
          spawnWorkerProcess(testExecutionSettings(), { jobs: [job], readyTimeoutMs, ...(env && { env }) }),
        ),
      )),
    );
  }, readyTimeoutMs + 30_000);
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.kill("SIGTERM");
    await Promise.all(workers.map((w) => w.exited));
    await options.afterStop?.();
  });
  return { workers, sweepInBoth: () => Promise.all(workers.map((w) => w.runJob(job))) };
}

/** How many events of `type` each of the actions has, in the order of `actionIds`. */
export async function eventsPerAction(actionIds: readonly string[], type: ActionEventType): Promise<number[]> {
  const events = await db().remediationEvent.groupBy({
    by: ["actionId"],
    where: { actionId: { in: [...actionIds] }, type },
    _count: { _all: true },
  });
  const byAction = new Map(events.map((e) => [e.actionId, e._count._all]));
  return actionIds.map((id) => byAction.get(id) ?? 0);
}

// ── the webhook receiver ─────────────────────────────────────────────────────────────────────

interface ReceivedCall {
  /** The request's path: a worker process can be given its own (`${receiver.url}/w1`). */
  url: string;
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
      const call = { url: req.url ?? "/", headers: req.headers, rawBody, body };
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

/**
 * When a worker is killed relative to the answer it was given: `mid-answer` (default) once the
 * status, headers and all but the last byte of the body have left, so the worker is still reading
 * its answer and certainly has not stored it; `after-answer` right after the whole answer left
 * (the narrowest window: a worker scheduled before the signal lands may have stored it).
 */
export type KillMoment = "mid-answer" | "after-answer";

/** Answers `status` with `body` as JSON and SIGKILLs `worker` at `moment` of the answer. */
export function answerAndKill(
  res: ServerResponse,
  status: number,
  body: unknown,
  worker: WorkerProcess,
  moment: KillMoment = "mid-answer",
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  if (moment === "after-answer") {
    res.end(text);
    worker.kill("SIGKILL");
    return;
  }
  res.write(text.slice(0, -1), () => {
    worker.kill("SIGKILL");
    res.end(text.slice(-1)); // to a dead peer: the executor has answered all the same
  });
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
  return { ...action, attempts: state.attempts, lostAttempts: state.lostAttempts, events };
}

/**
 * The full recount (src/server/db/simulate.ts): `[<organization>/<environment>/<status>, n]`
 * counted from the rows and from the counters the trigger keeps (summed over stripes, zeros left
 * out). The counters are exact when the two are equal.
 */
export async function recountedActions(): Promise<{ actual: [string, number][]; counters: [string, number][] }> {
  const { actual, counters } = await recountActions();
  const numbers = (rows: { key: string; n: bigint }[]) => rows.map((r): [string, number] => [r.key, Number(r.n)]);
  return { actual: numbers(actual), counters: numbers(counters) };
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

// ── worker crashes ───────────────────────────────────────────────────────────────────────────

/** What the crash run's executor does with an action (`parameters.mode`). */
export type CrashOutcome = "ok" | "reject" | "flaky";

export interface WorkerCrashOptions {
  organizationId: string;
  incidentId: string;
  /** Every worker process's settings; each gets its own webhook path, so a call names its worker. */
  settings: ExecutionSettings;
  actions: number;
  /** SIGKILLs, each right after the executor answered a first delivery 2xx (before the worker records). */
  kills: number;
  /** Worker processes kept running: a killed one is replaced at once. */
  workers: number;
  /** Actions created per second, so the kills land all along the run; default: all at once. */
  actionsPerSecond?: number;
  /** Default: one action in ten refused (422), one in ten flaky (503 once), the rest 200. */
  outcome?: (index: number) => CrashOutcome;
  /** When each kill lands relative to the 2xx answer (default `mid-answer`). */
  killMoment?: KillMoment;
  superviseIntervalSeconds?: number;
  timeoutMs?: number;
}

export interface WorkerCrashReport {
  actions: number;
  kills: number;
  /** Kills whose answered attempt was never recorded by its worker (it died in the window). */
  killsBeforeRecord: number;
  workerProcesses: number;
  statuses: Record<string, number>;
  /** Actions whose final status contradicts the executor's last answer (2xx ⇔ COMPLETED). */
  contradictions: { id: string; status: string; error: string | null; lastAnswer: number | null }[];
  deliveries: number;
  /** Deliveries the executor had already carried out and answered from memory (at-least-once). */
  duplicateDeliveries: number;
  /** Every delivery carried `Idempotency-Key: <actionId>`. */
  sameKeyOnEveryDelivery: boolean;
  /** How many actions ended with n lost attempts: { "0": …, "1": … }. */
  lostAttempts: Record<string, number>;
  durationMs: number;
}

const defaultCrashOutcome = (index: number): CrashOutcome =>
  index % 10 === 3 ? "reject" : index % 10 === 7 ? "flaky" : "ok";

/**
 * Runs `actions` webhook actions through real worker processes and SIGKILLs a worker `kills`
 * times, each time as the executor answers it 2xx for an action it carried out, before the
 * worker can store the answer (`killMoment`). The executor deduplicates on
 * Idempotency-Key as the webhook contract asks: a second delivery of a key it carried out gets the
 * remembered answer; a 5xx is not remembered (nothing was done). Waits until every action is
 * terminal, then compares each final status with the executor's last answer.
 */
export async function runWorkerCrashes(options: WorkerCrashOptions): Promise<WorkerCrashReport> {
  const started = Date.now();
  const outcome = options.outcome ?? defaultCrashOutcome;
  const remembered = new Map<string, { status: number; body: unknown }>();
  const lastAnswer = new Map<string, number>();
  const live = new Map<string, WorkerProcess>();
  const spawned: WorkerProcess[] = [];
  const killed: { actionId: string; attempt: number }[] = [];
  const respawns: Promise<void>[] = [];
  // Spread over the run: not every action yields a first-delivery 2xx (refused ones, and those a
  // killed worker had already carried out, whose re-run is a replay), so ~70% of them.
  const killEvery = Math.max(1, Math.floor((options.actions * 0.7) / (options.kills + 1)));
  let duplicateDeliveries = 0;
  let fresh2xx = 0;
  let serial = 0;

  const receiver = await startReceiver((call, res, nth) => {
    const actionId = String(call.body.actionId);
    const answer = (status: number, body: unknown) => {
      lastAnswer.set(actionId, status);
      json(res, status, body);
    };
    const earlier = remembered.get(String(call.headers["idempotency-key"]));
    if (earlier) {
      duplicateDeliveries++;
      return answer(earlier.status, earlier.body);
    }
    const mode = (call.body.parameters as { mode?: CrashOutcome }).mode ?? "ok";
    if (mode === "flaky" && nth === 1) return answer(503, { error: "warming up" });
    if (mode === "reject") {
      remembered.set(actionId, { status: 422, body: { error: "refused" } });
      return answer(422, { error: "refused" });
    }
    const result = { result: "restarted", actionId, carriedOutOnAttempt: call.body.attempt };
    remembered.set(actionId, { status: 200, body: result });
    fresh2xx++;
    const name = call.url.split("/").at(-1) ?? "";
    const worker = live.get(name);
    if (!worker || killed.length >= options.kills || fresh2xx % killEvery !== 0) return answer(200, result);
    lastAnswer.set(actionId, 200);
    answerAndKill(res, 200, result, worker, options.killMoment);
    live.delete(name);
    killed.push({ actionId, attempt: Number(call.body.attempt) });
    const replacement = spawnOne();
    replacement.catch(() => {}); // awaited below
    respawns.push(replacement);
  });

  async function spawnOne(): Promise<void> {
    const name = `w${++serial}`;
    const worker = await spawnWorkerProcess(
      { ...options.settings, webhookUrl: `${receiver.url}/${name}` },
      { superviseIntervalSeconds: options.superviseIntervalSeconds ?? 1 },
    );
    spawned.push(worker);
    live.set(name, worker);
  }

  const ids: string[] = [];
  try {
    await Promise.all(Array.from({ length: options.workers }, spawnOne));
    const perTick = options.actionsPerSecond ? Math.max(1, Math.round(options.actionsPerSecond / 10)) : options.actions;
    for (let created = 0; created < options.actions; created += perTick) {
      const count = Math.min(perTick, options.actions - created);
      const rows = Array.from({ length: count }, (_, i) => ({
        incidentId: options.incidentId,
        parameters: { service: "checkout", mode: outcome(created + i) },
        serviceName: "checkout",
        environment: "staging",
        details: { policy: { outcome: "QUEUED", reasons: [] } },
        enqueue: true,
      }));
      ids.push(...(await createActions(options.organizationId, rows)));
      if (options.actionsPerSecond) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor(
      async () => {
        const finished = await db().remediationAction.count({
          where: { id: { in: ids }, status: { in: ["COMPLETED", "FAILED"] } },
        });
        return finished === ids.length;
      },
      { timeoutMs: options.timeoutMs ?? 120_000, intervalMs: 200, what: `${ids.length} actions to finish` },
    );
    await Promise.all(respawns);
  } finally {
    await Promise.allSettled(respawns);
    for (const worker of spawned) {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.kill("SIGTERM");
    }
    await Promise.all(spawned.map((w) => w.exited));
    await receiver.close();
  }

  const statuses: Record<string, number> = {};
  const lostAttempts: Record<string, number> = {};
  const contradictions: WorkerCrashReport["contradictions"] = [];
  const succeededOnAttempt = new Map<string, number>();
  for (const id of ids) {
    const action = await loadAction(options.organizationId, id);
    statuses[action.status] = (statuses[action.status] ?? 0) + 1;
    lostAttempts[action.lostAttempts] = (lostAttempts[action.lostAttempts] ?? 0) + 1;
    const succeeded = action.events.find((e) => e.type === "EXECUTION_SUCCEEDED");
    if (succeeded) succeededOnAttempt.set(id, Number((succeeded.data as { attempt?: number }).attempt));
    const last = lastAnswer.get(id) ?? null;
    const executed = last !== null && last >= 200 && last < 300;
    const consistent = action.status === "COMPLETED" ? executed : action.status === "FAILED" && !executed;
    if (!consistent) contradictions.push({ id, status: action.status, error: action.error, lastAnswer: last });
  }
  const calls = receiver.calls.filter((c) => ids.includes(String(c.body.actionId)));
  return {
    actions: ids.length,
    kills: killed.length,
    killsBeforeRecord: killed.filter((k) => succeededOnAttempt.get(k.actionId) !== k.attempt).length,
    workerProcesses: spawned.length,
    statuses,
    contradictions,
    deliveries: calls.length,
    duplicateDeliveries,
    sameKeyOnEveryDelivery: calls.every((c) => c.headers["idempotency-key"] === c.body.actionId),
    lostAttempts,
    durationMs: Date.now() - started,
  };
}
