import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningWorker } from "@/server/jobs/worker";
import { callerFor } from "@/test/calls";
import { createQueuedAction, loadAction, startExecutionWorker, waitForTerminal } from "@/test/execution-fixtures";
import { type ActionOverrides, createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";

let worker: RunningWorker;
let org: string;
let incident: string;

beforeAll(async () => {
  // Polling pushed out to 30 s: every pickup in this file has to come from LISTEN/NOTIFY.
  worker = await startExecutionWorker(testExecutionSettings({ executor: "simulated", simulatedDelayMs: 20 }), {
    work: { pollingIntervalSeconds: 30, notifyPollingIntervalSeconds: 30 },
  });
  org = await createOrganization("sim");
  incident = await createIncident(org, { title: "Checkout errors", serviceName: "checkout", environment: "staging" });
});

afterAll(async () => {
  await worker?.stop();
});

/** A queued action with its job, as the request/approve use cases leave it. */
const queued = (overrides: ActionOverrides = {}) => createQueuedAction(org, incident, overrides);

describe("simulated executor", () => {
  it("completes after the simulated delay with a small output", async () => {
    const id = await queued({ actionType: "clear-cache", parameters: { service: "checkout" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("COMPLETED");
    expect((action.details as { execution: unknown }).execution).toMatchObject({
      executor: "simulated",
      attempts: 1,
      output: { simulated: true, actionType: "clear-cache" },
    });
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
  });

  it('fails with "Simulated failure" when parameters.simulate is "fail"', async () => {
    const id = await queued({ parameters: { service: "checkout", simulate: "fail" } });
    const action = await waitForTerminal(org, id);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Simulated failure");
    expect(action.attempts).toBe(1);
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED", "EXECUTION_FAILED"]);
  });

  it("wakes the worker through LISTEN/NOTIFY: pickup well under the (30 s) poll", async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await queued();
      await waitForTerminal(org, id, 10_000);
      const action = await loadAction(org, id);
      delays.push(action.events[0]!.createdAt.getTime() - action.createdAt.getTime());
    }
    expect(Math.max(...delays)).toBeLessThan(2_000);
  });
});

describe("request → execution", () => {
  it("runs an auto-queued request without any approval", async () => {
    const caller = callerFor(org);
    const requested = await caller.remediation.request({
      incidentId: incident,
      actionType: "restart-service",
      parameters: { service: "checkout" },
      environment: "staging",
      severity: "LOW",
    });
    expect(requested.action.status).toBe("QUEUED");

    const action = await waitForTerminal(org, requested.action.id);
    expect(action.status).toBe("COMPLETED");
    expect(action.events.map((e) => e.type)).toEqual(["REQUESTED", "EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
    // The request's decision record survives the execution record being merged in.
    expect(action.details).toMatchObject({ policy: { outcome: "QUEUED" }, execution: { executor: "simulated" } });
  });
});
