import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { ExecutionSettings } from "@/server/execution/settings";
import type { RunningWorker } from "@/server/jobs/worker";
import {
  createQueuedAction,
  json,
  QUEUED_CHECKOUT,
  type Receiver,
  spawnWorkerProcess,
  startExecutionWorker,
  startReceiver,
  type WorkerProcess,
  waitFor,
  waitForTerminal,
} from "@/test/execution-fixtures";
import { type ActionOverrides, createActions, createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";

// Real worker processes against this file's database. Short heartbeat (pg-boss's minimum, 10 s)
// and a 1 s supervise pass, so a killed worker's job is re-delivered within seconds.
const SUPERVISE = { superviseIntervalSeconds: 1 };
let settings: ExecutionSettings;
let receiver: Receiver;
const children: WorkerProcess[] = [];
let inProcess: RunningWorker | undefined;
let org: string;
let incident: string;

beforeAll(async () => {
  receiver = await startReceiver((call, res, nth) => {
    const mode = (call.body.parameters as { mode?: string } | undefined)?.mode;
    if (mode === "hang-first" && nth === 1) return; // the worker running it gets killed
    if (mode === "slow") return void setTimeout(() => json(res, 200, { result: "slow done" }), 1500);
    json(res, 200, { result: "done" });
  });
  settings = testExecutionSettings({
    executor: "webhook",
    webhookUrl: receiver.url,
    timeoutMs: 20_000,
    retries: 2,
    retryBaseDelayMs: 50,
    heartbeatSeconds: 10,
  });
  org = await createOrganization("procs");
  incident = await createIncident(org, { title: "Checkout errors", serviceName: "checkout", environment: "staging" });
});

afterAll(async () => {
  for (const child of children) if (child.child.exitCode === null) child.kill("SIGKILL");
  await Promise.all(children.map((c) => c.exited));
  await inProcess?.stop();
  await receiver?.close();
});

async function spawnWorker(): Promise<WorkerProcess> {
  const child = await spawnWorkerProcess(settings, SUPERVISE);
  children.push(child);
  return child;
}

const queued = (overrides: ActionOverrides = {}) => createQueuedAction(org, incident, overrides);

describe("worker processes", () => {
  it("recovers an action whose worker was SIGKILLed mid-execution", async () => {
    const doomed = await spawnWorker();
    const id = await queued({ parameters: { service: "checkout", mode: "hang-first" } });
    await waitFor(async () => receiver.callsFor(id).length === 1, { what: "the first attempt to reach the executor" });
    doomed.kill("SIGKILL");
    expect(await doomed.exited).toBe("SIGKILL");

    // A surviving worker: pg-boss sees the job's heartbeat stop and re-delivers it.
    inProcess = await startExecutionWorker(settings, SUPERVISE);
    const action = await waitForTerminal(org, id, 60_000);

    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(2);
    const calls = receiver.callsFor(id);
    expect(calls.map((c) => c.body.attempt)).toEqual([1, 2]);
    expect(calls.map((c) => c.headers["idempotency-key"])).toEqual([id, id]);
    await inProcess.stop();
    inProcess = undefined;
  }, 90_000);

  it("runs 200 actions across two worker processes exactly once each", async () => {
    const workers = await Promise.all([spawnWorker(), spawnWorker()]);
    const ids = await createActions(org, { count: 200, incidentId: incident, ...QUEUED_CHECKOUT });
    await waitFor(
      async () => (await db().remediationAction.count({ where: { id: { in: ids }, status: "COMPLETED" } })) === 200,
      { timeoutMs: 60_000, intervalMs: 100, what: "200 actions to complete" },
    );

    const perAction = new Map<string, number>();
    for (const call of receiver.calls) {
      const actionId = String(call.body.actionId);
      if (ids.includes(actionId)) perAction.set(actionId, (perAction.get(actionId) ?? 0) + 1);
    }
    expect(perAction.size).toBe(200);
    expect([...perAction.values()].every((n) => n === 1)).toBe(true);
    const attempts = await db().remediationAction.groupBy({
      by: ["attempts"],
      where: { id: { in: ids } },
      _count: true,
    });
    expect(attempts).toEqual([{ attempts: 1, _count: 200 }]);

    for (const w of workers) w.kill("SIGTERM");
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0]);
  }, 90_000);

  it("finishes the in-flight attempt on SIGTERM, then exits", async () => {
    const child = await spawnWorker();
    const id = await queued({ parameters: { service: "checkout", mode: "slow" } });
    await waitFor(async () => receiver.callsFor(id).length === 1, { what: "the attempt to start" });
    child.kill("SIGTERM");

    expect(await child.exited).toBe(0);
    const action = await waitForTerminal(org, id, 1_000);
    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(1);
    expect(receiver.callsFor(id)).toHaveLength(1);
  }, 60_000);
});
