import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecutionSettings } from "@/server/execution/settings";
import type { RunningWorker } from "@/server/jobs/worker";
import {
  answerAndKill,
  createQueuedAction,
  json,
  loadAction,
  type Receiver,
  runWorkerCrashes,
  spawnWorkerProcess,
  startExecutionWorker,
  startReceiver,
  type WorkerProcess,
  waitForTerminal,
} from "@/test/execution-fixtures";
import { createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";

// A worker SIGKILLed after the executor answered 2xx but before it stored the answer (issue 12,
// item 5). The executor deduplicates on Idempotency-Key, so the re-run attempt gets the answer it
// gave the first time: the action must end as the executor says, whatever the worker managed to
// store, and the re-run must not use up a transient-failure retry. pg-boss's minimum heartbeat
// (10 s) and a 1 s supervise pass bound how long a dead worker's job waits for re-delivery.
const SUPERVISE = { superviseIntervalSeconds: 1 };
let settings: ExecutionSettings;
let receiver: Receiver;
let org: string;
let incident: string;
let victim: WorkerProcess | undefined;
let survivor: RunningWorker | undefined;
const children: WorkerProcess[] = [];
/** The executor's memory: what it answered for each Idempotency-Key it carried out. */
const carriedOut = new Map<string, { status: number; body: unknown }>();

beforeAll(async () => {
  receiver = await startReceiver((call, res, nth) => {
    const key = String(call.headers["idempotency-key"]);
    const earlier = carriedOut.get(key);
    if (earlier) return json(res, earlier.status, earlier.body); // a re-run: the same answer, nothing done twice
    if (nth === 1) return void res.writeHead(503).end("warming up"); // transient: uses one retry
    const result = { result: "restarted", carriedOutOnAttempt: call.body.attempt };
    carriedOut.set(key, { status: 200, body: result });
    // Carried out and answered 200; the worker dies while it reads that answer, before storing it.
    if (victim) answerAndKill(res, 200, result, victim);
    else json(res, 200, result);
  });
  settings = testExecutionSettings({
    executor: "webhook",
    webhookUrl: receiver.url,
    timeoutMs: 20_000,
    retries: 1,
    retryBaseDelayMs: 50,
    heartbeatSeconds: 10,
  });
  org = await createOrganization("crash");
  incident = await createIncident(org, { title: "Checkout errors", serviceName: "checkout", environment: "staging" });
});

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(children.map((c) => c.exited));
  await survivor?.stop();
  await receiver?.close();
});

describe("a worker killed after the executor answered", () => {
  it("ends COMPLETED as the executor answered, and the lost attempt uses no retry", async () => {
    victim = await spawnWorkerProcess(settings, SUPERVISE);
    children.push(victim);
    const id = await createQueuedAction(org, incident);
    // Attempt 1: 503 (the one retry of retries: 1); attempt 2: carried out, 200, worker killed.
    expect(await victim.exited).toBe("SIGKILL");
    const afterKill = await loadAction(org, id);
    expect(afterKill.status).toBe("EXECUTING");
    expect(afterKill.attempts).toBe(2);
    expect(receiver.callsFor(id).map((c) => c.body.attempt)).toEqual([1, 2]);

    // Another worker: pg-boss re-delivers the dead worker's job; the claim re-runs attempt 2 as
    // attempt 3 although retries (1) are spent, and the executor answers what it did.
    survivor = await startExecutionWorker(settings, SUPERVISE);
    const action = await waitForTerminal(org, id, 60_000);

    expect(action.status).toBe("COMPLETED");
    expect(action.error).toBeNull();
    expect(action.attempts).toBe(3);
    expect(action.lostAttempts).toBe(1);
    const calls = receiver.callsFor(id);
    expect(calls.map((c) => c.body.attempt)).toEqual([1, 2, 3]);
    // At-least-once: attempt 3 is a duplicate delivery of what attempt 2 carried out, same key.
    expect(calls.map((c) => c.headers["idempotency-key"])).toEqual([id, id, id]);
    expect(action.details).toMatchObject({
      execution: { attempts: 3, lostAttempts: 1, output: { result: "restarted", carriedOutOnAttempt: 2 } },
    });
    expect(action.events.map((e) => [e.type, e.data])).toEqual([
      ["EXECUTION_STARTED", { executor: "webhook", attempt: 1 }],
      ["EXECUTION_RETRY", expect.objectContaining({ attempt: 1, error: "Executor responded 503: warming up" })],
      ["EXECUTION_STARTED", { executor: "webhook", attempt: 2 }],
      ["EXECUTION_STARTED", { executor: "webhook", attempt: 3, lostAttempts: 1 }],
      ["EXECUTION_SUCCEEDED", expect.objectContaining({ attempt: 3 })],
    ]);
    await survivor.stop();
    survivor = undefined;
  }, 90_000);
});

describe("kills under load (the small version of scripts/measure-worker-crashes.ts)", () => {
  it("leaves no action whose final status contradicts the executor's last answer", async () => {
    const report = await runWorkerCrashes({
      organizationId: org,
      incidentId: incident,
      settings: { ...settings, retries: 2, maxAttempts: 3 },
      actions: 40,
      kills: 2,
      workers: 2,
      actionsPerSecond: 20,
      superviseIntervalSeconds: 1,
      timeoutMs: 60_000,
    });
    // The figures, for the record (README "Worker crash" quotes the full run's).
    console.info("worker crashes (npm test):", JSON.stringify(report));

    expect(report.kills).toBe(2);
    expect(report.killsBeforeRecord).toBe(2);
    expect(report.contradictions).toEqual([]);
    expect(report.sameKeyOnEveryDelivery).toBe(true);
    expect(report.statuses.COMPLETED! + (report.statuses.FAILED ?? 0)).toBe(40);
  }, 90_000);
});
