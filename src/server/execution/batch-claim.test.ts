import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import type { RunningWorker } from "@/server/jobs/worker";
import {
  createQueuedAction,
  loadAction,
  recountedActions,
  startExecutionWorker,
  waitForTerminal,
} from "@/test/execution-fixtures";
import { createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";
import { claimBatch } from "./run-execution";
import { completeAttempt } from "./transitions";

// One statement claims a fetched batch (docs/adr/0013-one-claim-per-fetched-batch.md): each
// action by its own organization and id, under the claim rule, as its own claim would.

const settings = testExecutionSettings({ executor: "simulated", simulatedDelayMs: 0 });

describe("claimBatch", () => {
  let orgA: string;
  let orgB: string;
  let incidentA: string;
  let incidentB: string;

  beforeAll(async () => {
    orgA = await createOrganization("batch-a");
    orgB = await createOrganization("batch-b");
    incidentA = await createIncident(orgA, { title: "A", serviceName: "checkout", environment: "staging" });
    incidentB = await createIncident(orgB, { title: "B", serviceName: "checkout", environment: "staging" });
  });

  it("claims each claimable action of the batch, across organizations, with its own EXECUTION_STARTED", async () => {
    // No job: no worker in this test may pick these up.
    const a1 = await createQueuedAction(orgA, incidentA, { enqueue: false });
    const a2 = await createQueuedAction(orgA, incidentA, { enqueue: false, environment: "qa" });
    const b1 = await createQueuedAction(orgB, incidentB, { enqueue: false });
    const done = await createQueuedAction(orgA, incidentA, { enqueue: false, status: "COMPLETED" });
    const otherTenant = await createQueuedAction(orgA, incidentA, { enqueue: false });

    const claims = await claimBatch(
      db(),
      [
        { organizationId: orgA, actionId: a1 },
        { organizationId: orgB, actionId: b1 },
        { organizationId: orgA, actionId: done },
        // Named with the wrong organization: never claimed (tenancy is part of the key).
        { organizationId: orgB, actionId: otherTenant },
        { organizationId: orgA, actionId: a2 },
        // The same action twice: the second job claims on its own, as before batching.
        { organizationId: orgA, actionId: a1 },
      ],
      settings,
    );

    expect(claims.map((c) => (c === undefined ? "own claim" : c === null ? "not claimable" : c.id))).toEqual([
      a1,
      b1,
      "not claimable",
      "not claimable",
      a2,
      "own claim",
    ]);
    expect(claims[1]).toMatchObject({ organizationId: orgB, attempts: 1, lostAttempts: 0, environment: "staging" });
    for (const [org, id] of [
      [orgA, a1],
      [orgA, a2],
      [orgB, b1],
    ] as const) {
      const action = await loadAction(org, id);
      expect(action.status).toBe("EXECUTING");
      expect(action.attempts).toBe(1);
      expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED"]);
      expect(action.events[0]!.data).toEqual({ executor: "simulated", attempt: 1 });
      expect((action.details as { execution: unknown }).execution).toMatchObject({
        executor: "simulated",
        attempts: 1,
      });
    }
    expect((await loadAction(orgA, otherTenant)).status).toBe("QUEUED");
    expect((await loadAction(orgA, done)).events).toEqual([]);

    // The same rule as a claim of its own: a re-delivered job re-runs the attempt as a lost one.
    const [again] = await claimBatch(db(), [{ organizationId: orgA, actionId: a1 }], settings);
    expect(again).toMatchObject({ id: a1, attempts: 2, lostAttempts: 1 });

    const { actual, counters } = await recountedActions();
    expect(counters).toEqual(actual);
  });

  it("claims nothing for an empty batch or malformed ids", async () => {
    expect(await claimBatch(db(), [], settings)).toEqual([]);
    expect(await claimBatch(db(), [{ organizationId: orgA, actionId: "not-a-uuid" }], settings)).toEqual([null]);
  });
});

describe("group-committed completions", () => {
  // docs/adr/0017-execution-outcomes-group-committed.md: the outcomes of one turn go in one
  // statement, each under its own attempt's condition.
  it("completes each current attempt of the group, across organizations, and only those", async () => {
    const orgA = await createOrganization("complete-a");
    const orgB = await createOrganization("complete-b");
    const incidentA = await createIncident(orgA, { title: "A", serviceName: "checkout", environment: "staging" });
    const incidentB = await createIncident(orgB, { title: "B", serviceName: "checkout", environment: "staging" });
    const a1 = await createQueuedAction(orgA, incidentA, { enqueue: false });
    const a2 = await createQueuedAction(orgA, incidentA, { enqueue: false, environment: "qa" });
    const b1 = await createQueuedAction(orgB, incidentB, { enqueue: false });
    const stale = await createQueuedAction(orgA, incidentA, { enqueue: false });
    const claims = await claimBatch(
      db(),
      [a1, a2, stale]
        .map((actionId) => ({ organizationId: orgA, actionId }))
        .concat({ organizationId: orgB, actionId: b1 }),
      settings,
    );
    const [c1, c2, cStale, cB] = claims.map((c) => c!);
    const done = (executor: string) => ({ executor, output: { ok: executor } });

    // One turn: a group of five writes.
    const recorded = await Promise.all([
      completeAttempt(db(), c1!, done("one")),
      completeAttempt(db(), cB!, done("b")),
      // An older attempt of this action (a stale worker): not recorded.
      completeAttempt(db(), { ...cStale!, attempts: cStale!.attempts - 1 }, done("stale")),
      // Named with the wrong organization: not recorded (tenancy is part of the key).
      completeAttempt(db(), { ...c2!, organizationId: orgB }, done("wrong tenant")),
      completeAttempt(db(), c2!, done("two")),
    ]);
    expect(recorded).toEqual([true, true, false, false, true]);

    const completedAt = new Set<number>();
    for (const [org, id, executor] of [
      [orgA, a1, "one"],
      [orgA, a2, "two"],
      [orgB, b1, "b"],
    ] as const) {
      const action = await loadAction(org, id);
      expect(action.status).toBe("COMPLETED");
      expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
      expect(action.events[1]!.data).toMatchObject({ attempt: 1, executor });
      expect((action.details as { execution: Record<string, unknown> }).execution).toMatchObject({
        executor,
        attempts: 1,
        output: { ok: executor },
      });
      completedAt.add(action.updatedAt.getTime());
    }
    // One statement: its now() is every row's updatedAt.
    expect(completedAt.size).toBe(1);
    const staleAction = await loadAction(orgA, stale);
    expect(staleAction.status).toBe("EXECUTING");
    expect(staleAction.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED"]);

    const { actual, counters } = await recountedActions();
    expect(counters).toEqual(actual);
  });
});

describe("execute job with batched claims", () => {
  let worker: RunningWorker;
  let org: string;
  let incident: string;

  beforeAll(async () => {
    org = await createOrganization("batch-run");
    incident = await createIncident(org, { title: "C", serviceName: "checkout", environment: "staging" });
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it("runs every action of full batches once: one start, one success each", async () => {
    // Queued before the worker starts: its first fetches take full batches of 8.
    const ids = await Promise.all(Array.from({ length: 20 }, () => createQueuedAction(org, incident)));
    worker = await startExecutionWorker(settings);
    for (const id of ids) {
      const action = await waitForTerminal(org, id);
      expect(action.status).toBe("COMPLETED");
      expect(action.attempts).toBe(1);
      expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
    }
  });
});
