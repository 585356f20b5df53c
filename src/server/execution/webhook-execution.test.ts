import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, transaction } from "@/server/db/client";
import { enqueueExecution, ensureExecuteQueue } from "@/server/execution/queue";
import type { RunningWorker } from "@/server/jobs/worker";
import {
  createQueuedAction,
  jobsFor,
  json,
  loadAction,
  type Receiver,
  startExecutionWorker,
  startReceiver,
  waitFor,
  waitForTerminal,
} from "@/test/execution-fixtures";
import { type ActionOverrides, createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";
import { createWebhookExecutor, OUTPUT_CAP_BYTES } from "./executors/webhook";

const SECRET = "whsec-test-0123456789";
const TIMEOUT_MS = 1000;
const RETRIES = 2;
const BIG_RESPONSE_BYTES = 8 * 1024 * 1024;

let receiver: Receiver;
let worker: RunningWorker;
let org: string;
let incident: string;
const bigResponse = { written: 0, finished: false, closed: false };

const webhookSettings = (webhookUrl: string) =>
  testExecutionSettings({
    executor: "webhook",
    webhookUrl,
    webhookSecret: SECRET,
    timeoutMs: TIMEOUT_MS,
    retries: RETRIES,
    retryBaseDelayMs: 50,
  });

beforeAll(async () => {
  receiver = await startReceiver((call, res, nth) => {
    const mode = (call.body.parameters as { mode?: string } | undefined)?.mode ?? "ok";
    if (mode === "reject") return void res.writeHead(422).end("service name is not known here");
    if (mode === "unavailable") return void res.writeHead(503).end("upstream down");
    if (mode === "flaky" && nth === 1) return void res.writeHead(503).end("warming up");
    if (mode === "hang") return; // never answers
    if (mode === "big") return void streamBig(res);
    json(res, 200, { result: "restarted", attempt: call.body.attempt });
  });
  worker = await startExecutionWorker(webhookSettings(receiver.url));
  org = await createOrganization("exec");
  incident = await createIncident(org, { title: "Checkout errors", serviceName: "checkout", environment: "staging" });
});

afterAll(async () => {
  await worker?.stop();
  await receiver?.close();
});

/** An action with its job (unless `enqueue: false`), as the request/approve use cases leave it. */
const queued = (overrides: ActionOverrides = {}) => createQueuedAction(org, incident, overrides);

/** Writes up to 8 MiB in 16 KiB chunks, honouring backpressure, so an early cancel is visible. */
function streamBig(res: import("node:http").ServerResponse): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.on("close", () => {
    bigResponse.closed = true;
  });
  const chunk = Buffer.alloc(16 * 1024, "a");
  const pump = () => {
    while (bigResponse.written < BIG_RESPONSE_BYTES && !res.destroyed) {
      bigResponse.written += chunk.length;
      if (!res.write(chunk)) return void res.once("drain", pump);
    }
    if (!res.destroyed) res.end(() => (bigResponse.finished = true));
  };
  pump();
}

const types = (events: { type: string }[]) => events.map((e) => e.type);

describe("webhook executor through the remediation-execute worker", () => {
  it("signs the exact body, sends every header and field, and completes with the response as output", async () => {
    const id = await queued({ parameters: { service: "checkout", mode: "ok" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("COMPLETED");
    expect(action.error).toBeNull();
    expect(action.attempts).toBe(1);
    const [call] = receiver.callsFor(id);
    expect(receiver.callsFor(id)).toHaveLength(1);
    const expected = createHmac("sha256", SECRET).update(call!.rawBody).digest("hex");
    expect(call!.headers["x-remediation-signature"]).toBe(`sha256=${expected}`);
    expect(call!.headers["content-type"]).toBe("application/json");
    expect(call!.headers["x-remediation-id"]).toBe(id);
    expect(call!.headers["idempotency-key"]).toBe(id);
    expect(call!.body).toEqual({
      actionId: id,
      organizationId: org,
      incidentId: incident,
      actionType: "restart-service",
      parameters: { service: "checkout", mode: "ok" },
      serviceName: "checkout",
      environment: "staging",
      severity: "HIGH",
      attempt: 1,
    });

    const details = action.details as Record<string, Record<string, unknown>>;
    expect(details.policy).toEqual({ outcome: "QUEUED", reasons: [] });
    expect(details.execution).toMatchObject({
      executor: "webhook",
      attempts: 1,
      output: { result: "restarted", attempt: 1 },
    });
    expect(Date.parse(String(details.execution!.finishedAt))).toBeGreaterThanOrEqual(
      Date.parse(String(details.execution!.startedAt)),
    );
    expect(details.execution!.durationMs).toEqual(expect.any(Number));
    expect(types(action.events)).toEqual(["EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
    expect(action.events.every((e) => e.actor === "system")).toBe(true);
    expect(action.events[0]!.data).toEqual({ attempt: 1, executor: "webhook" });
  });

  it("fails at once on a 4xx, with the code and body in the error and exactly one call", async () => {
    const id = await queued({ parameters: { service: "checkout", mode: "reject" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Executor responded 422: service name is not known here");
    expect(receiver.callsFor(id)).toHaveLength(1);
    expect(types(action.events)).toEqual(["EXECUTION_STARTED", "EXECUTION_FAILED"]);
    expect(action.events[1]!.data).toMatchObject({ attempt: 1, error: action.error });
    expect((action.details as { execution: unknown }).execution).toMatchObject({ attempts: 1, error: action.error });
  });

  it("retries a 5xx with backoff, RETRY events in between, then fails with the last error", async () => {
    const id = await queued({ parameters: { service: "checkout", mode: "unavailable" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Executor responded 503: upstream down");
    expect(action.attempts).toBe(RETRIES + 1);
    const calls = receiver.callsFor(id);
    expect(calls.map((c) => c.body.attempt)).toEqual([1, 2, 3]);
    expect(new Set(calls.map((c) => c.headers["idempotency-key"]))).toEqual(new Set([id]));
    expect(types(action.events)).toEqual([
      "EXECUTION_STARTED",
      "EXECUTION_RETRY",
      "EXECUTION_STARTED",
      "EXECUTION_RETRY",
      "EXECUTION_STARTED",
      "EXECUTION_FAILED",
    ]);
    const retries = action.events.filter((e) => e.type === "EXECUTION_RETRY").map((e) => e.data);
    expect(retries).toEqual([
      expect.objectContaining({
        attempt: 1,
        nextAttempt: 2,
        nextDelayMs: 50,
        error: "Executor responded 503: upstream down",
      }),
      expect.objectContaining({ attempt: 2, nextAttempt: 3, nextDelayMs: 100 }),
    ]);
  });

  it("completes after a transient failure, with one EXECUTION_RETRY", async () => {
    const id = await queued({ parameters: { service: "checkout", mode: "flaky" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(2);
    expect(receiver.callsFor(id)).toHaveLength(2);
    expect(types(action.events)).toEqual([
      "EXECUTION_STARTED",
      "EXECUTION_RETRY",
      "EXECUTION_STARTED",
      "EXECUTION_SUCCEEDED",
    ]);
    const execution = (action.details as { execution: Record<string, unknown> }).execution;
    expect(execution).toMatchObject({ attempts: 2, output: { result: "restarted", attempt: 2 } });
    expect(execution).not.toHaveProperty("lastError");
  });

  it("times out an executor that never answers, retries, then fails with the timeout", async () => {
    const id = await queued({ parameters: { service: "checkout", mode: "hang" } });
    const action = await waitForTerminal(org, id, 30_000);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe(`Executor timed out after ${TIMEOUT_MS} ms`);
    expect(receiver.callsFor(id)).toHaveLength(RETRIES + 1);
  });

  it("keeps at most 64 KiB of a large response and stops reading there", async () => {
    const id = await queued({ parameters: { service: "checkout", mode: "big" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("COMPLETED");
    const execution = (action.details as { execution: { output: string; outputTruncated: boolean } }).execution;
    expect(typeof execution.output).toBe("string");
    expect(Buffer.byteLength(execution.output)).toBe(OUTPUT_CAP_BYTES);
    expect(execution.outputTruncated).toBe(true);
    // The worker hung up instead of downloading the rest.
    await waitFor(async () => bigResponse.closed, { what: "the big response's connection to close" });
    expect(bigResponse.finished).toBe(false);
    expect(bigResponse.written).toBeLessThan(BIG_RESPONSE_BYTES);
  });

  it("reports an unreachable executor as a transient failure", async () => {
    const closed = await startReceiver(() => undefined);
    await closed.close();
    const executor = createWebhookExecutor(webhookSettings(closed.url));
    const outcome = await executor.execute(
      {
        actionId: "a",
        organizationId: org,
        incidentId: incident,
        actionType: "restart-service",
        parameters: {},
        serviceName: null,
        environment: "staging",
        severity: "LOW",
        attempt: 1,
      },
      { signal: new AbortController().signal },
    );
    expect(outcome).toEqual({
      ok: false,
      transient: true,
      error: expect.stringMatching(/^Executor unreachable: .*ECONNREFUSED/),
    });
  });
});

describe("deliveries", () => {
  it("acknowledges and ignores a job for an action that is already terminal", async () => {
    const id = await queued({ status: "COMPLETED", details: { policy: { outcome: "QUEUED" } } });
    await waitFor(async () => (await jobsFor(id)).some((j) => j.state === "completed"), { what: "the job to settle" });

    const action = await loadAction(org, id);
    expect(action.status).toBe("COMPLETED");
    expect(action.events).toHaveLength(0);
    expect(receiver.callsFor(id)).toHaveLength(0);
  });

  it("re-runs an action left EXECUTING by a dead worker as a new attempt, counted as lost", async () => {
    const id = await queued({ status: "EXECUTING", attempts: 1 });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(2);
    expect(action.lostAttempts).toBe(1);
    expect(receiver.callsFor(id).map((c) => c.body.attempt)).toEqual([2]);
    expect(action.events[0]!.data).toEqual({ executor: "webhook", attempt: 2, lostAttempts: 1 });
  });

  // Changed by design (issue 12, item 5; docs/behaviour.md#recovery): this used to fail with `Execution lost`
  // without calling the executor, because the lost attempt had used up the last retry. A lost
  // attempt is re-run (same Idempotency-Key) and does not count against the retries.
  it("re-runs a lost attempt even when it was the last retry", async () => {
    const id = await queued({ status: "EXECUTING", attempts: RETRIES + 1 });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(RETRIES + 2);
    expect(action.lostAttempts).toBe(1);
    expect(receiver.callsFor(id).map((c) => c.body.attempt)).toEqual([RETRIES + 2]);
  });

  it("keeps every transient retry after a lost attempt", async () => {
    const id = await queued({
      status: "EXECUTING",
      attempts: 1,
      parameters: { service: "checkout", mode: "unavailable" },
    });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Executor responded 503: upstream down");
    // Attempt 1 was lost; attempts 2..4 are the RETRIES + 1 that count.
    expect(receiver.callsFor(id).map((c) => c.body.attempt)).toEqual([2, 3, 4]);
    expect(action.attempts).toBe(RETRIES + 2);
    expect(action.lostAttempts).toBe(1);
  });

  it("fails an action at its third lost attempt, without calling the executor", async () => {
    const id = await queued({ status: "EXECUTING", attempts: 2, lostAttempts: 2 });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Execution lost: worker stopped responding");
    expect(action.lostAttempts).toBe(3);
    expect(types(action.events)).toEqual(["EXECUTION_FAILED"]);
    expect(action.events[0]!.data).toEqual({
      attempt: 2,
      executor: "webhook",
      error: "Execution lost: worker stopped responding",
      lostAttempts: 3,
    });
    expect(receiver.callsFor(id)).toHaveLength(0);
  });

  it("creates one job when the same action is enqueued twice, and runs it once", async () => {
    await ensureExecuteQueue();
    const id = await queued({ enqueue: false });
    await transaction(db(), async (tx) => {
      await enqueueExecution(tx, { actionId: id, organizationId: org });
      await enqueueExecution(tx, { actionId: id, organizationId: org });
    });
    expect(await jobsFor(id)).toHaveLength(1);
    const action = await waitForTerminal(org, id);
    expect(action.status).toBe("COMPLETED");
    expect(receiver.callsFor(id)).toHaveLength(1);
  });
});
