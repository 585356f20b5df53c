import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/server/env";
import { stopSenderBoss } from "@/server/jobs/boss";
import { remediationExecuteJob } from "@/server/jobs/remediation-execute";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import { ensureExecuteQueue } from "@/server/remediation/enqueue-execution";
import { callerFor } from "@/server/remediation/test-support";
import { createTestOrganization } from "@/test/db";
import { createAction, createIncident, loadAction, waitForTerminal } from "@/test/execution-fixtures";

let worker: RunningWorker;
let org: string;
let incident: string;

beforeAll(async () => {
  Object.assign(process.env, { REMEDIATION_EXECUTOR: "simulated", REMEDIATION_SIMULATED_DELAY_MS: "20" });
  resetEnvCache();
  await ensureExecuteQueue();
  // Polling pushed out to 30 s: every pickup in this file has to come from LISTEN/NOTIFY.
  worker = await startWorker([
    {
      ...remediationExecuteJob,
      work: { ...remediationExecuteJob.work, pollingIntervalSeconds: 30, notifyPollingIntervalSeconds: 30 },
    },
  ]);
  org = await createTestOrganization("sim");
  incident = await createIncident(org);
});

afterAll(async () => {
  await worker?.stop();
  await stopSenderBoss();
});

describe("simulated executor", () => {
  it("completes after the simulated delay with a small output", async () => {
    const id = await createAction(org, incident, { actionType: "clear-cache", parameters: { service: "checkout" } });
    const action = await waitForTerminal(id);

    expect(action.status).toBe("COMPLETED");
    expect((action.details as { execution: unknown }).execution).toMatchObject({
      executor: "simulated",
      attempts: 1,
      output: { simulated: true, actionType: "clear-cache" },
    });
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
  });

  it('fails with "Simulated failure" when parameters.simulate is "fail"', async () => {
    const id = await createAction(org, incident, { parameters: { service: "checkout", simulate: "fail" } });
    const action = await waitForTerminal(id);

    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Simulated failure");
    expect(action.attempts).toBe(1);
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_STARTED", "EXECUTION_FAILED"]);
  });

  it("wakes the worker through LISTEN/NOTIFY: pickup well under the (30 s) poll", async () => {
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const id = await createAction(org, incident);
      await waitForTerminal(id, 10_000);
      const action = await loadAction(id);
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

    const action = await waitForTerminal(requested.action.id);
    expect(action.status).toBe("COMPLETED");
    expect(action.events.map((e) => e.type)).toEqual(["REQUESTED", "EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
    // The request's decision record survives the execution record being merged in.
    expect(action.details).toMatchObject({ policy: { outcome: "QUEUED" }, execution: { executor: "simulated" } });
  });
});
