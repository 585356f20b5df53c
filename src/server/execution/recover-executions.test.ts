import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, transaction } from "@/server/db/client";
import { ageActions } from "@/server/db/simulate";
import { enqueueExecution } from "@/server/execution/queue";
import { senderBoss } from "@/server/jobs/boss";
import type { RunningWorker } from "@/server/jobs/worker";
import { jobsFor, loadAction, runReconciler, startExecutionWorker, waitForTerminal } from "@/test/execution-fixtures";
import { createAction, createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";
import {
  acrossOrganizationsRecoverLostExecutions,
  acrossOrganizationsRequeueJoblessActions,
} from "./recover-executions";

const settings = testExecutionSettings({ executor: "simulated", simulatedDelayMs: 0, retries: 2 });
let worker: RunningWorker;
let boss: PgBoss;
let org: string;
let incident: string;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  worker = await startExecutionWorker(settings);
  boss = await senderBoss();
  org = await createOrganization("recon");
  incident = await createIncident(org, { title: "Checkout errors", serviceName: "checkout", environment: "staging" });
});

afterAll(async () => {
  await worker?.stop();
});

interface LeftBehind {
  lostAttempts?: number;
  /** A retry was recorded (details.execution.nextAttemptAt) but its job went missing. */
  retryPending?: boolean;
}

/** An action left by a worker, without a job: status and attempts as given. */
const leftBehind = (status: "EXECUTING" | "QUEUED", attempts: number, options: LeftBehind = {}) =>
  createAction(org, {
    incidentId: incident,
    parameters: { service: "checkout" },
    serviceName: "checkout",
    environment: "staging",
    details: {
      policy: { outcome: "QUEUED", reasons: [] },
      ...(options.retryPending
        ? { execution: { attempts, lastError: "Executor responded 503: down", nextAttemptAt: HOUR_AGO.toISOString() } }
        : {}),
    },
    status,
    attempts,
    lostAttempts: options.lostAttempts ?? 0,
  });

/** An action as a dead worker leaves it: EXECUTING, no job, untouched for an hour. */
async function abandoned(
  attempts: number,
  status: "EXECUTING" | "QUEUED" = "EXECUTING",
  options: LeftBehind = {},
): Promise<string> {
  const id = await leftBehind(status, attempts, options);
  await ageActions(org, [id], HOUR_AGO);
  return id;
}

const context = () => ({ db: db(), boss });

describe("reconciler: lost executions", () => {
  it("re-queues an abandoned EXECUTING action that has attempts left; it then runs as a new attempt", async () => {
    const id = await abandoned(1);
    const result = await acrossOrganizationsRecoverLostExecutions(context(), { settings });
    expect(result.requeued).toBeGreaterThanOrEqual(1);

    const action = await waitForTerminal(org, id);
    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(2);
    expect(action.lostAttempts).toBe(1);
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_RETRY", "EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
    expect(action.events[0]!.data).toMatchObject({ attempt: 1, error: "Execution lost: worker stopped responding" });
    expect(action.events[1]!.data).toMatchObject({ attempt: 2, lostAttempts: 1 });
  });

  // Changed by design (issue 12, item 5; docs/behaviour.md#recovery): this action's attempts equal
  // REMEDIATION_EXECUTION_RETRIES + 1, and it used to be failed with `Execution lost`. A lost
  // attempt no longer uses up a retry, so it is re-run.
  it("re-queues an abandoned action whose attempts reached the retries: a lost attempt uses none", async () => {
    const id = await abandoned(3);
    await acrossOrganizationsRecoverLostExecutions(context(), { settings });

    const action = await waitForTerminal(org, id);
    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(4);
    expect(action.lostAttempts).toBe(1);
  });

  it("fails an abandoned action at its third lost attempt: Execution lost", async () => {
    const id = await abandoned(3, "EXECUTING", { lostAttempts: 2 });
    const result = await acrossOrganizationsRecoverLostExecutions(context(), { settings });
    expect(result.failed).toBeGreaterThanOrEqual(1);

    const action = await loadAction(org, id);
    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Execution lost: worker stopped responding");
    expect(action.lostAttempts).toBe(3);
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_FAILED"]);
    expect(action.events[0]!.actor).toBe("system");
    expect(action.events[0]!.data).toMatchObject({ attempt: 3, lostAttempts: 3 });
    expect((action.details as { execution: unknown }).execution).toMatchObject({ lostAttempts: 3 });
  });

  it("resumes a pending retry whose job went missing without counting a lost attempt", async () => {
    const id = await abandoned(3, "EXECUTING", { retryPending: true, lostAttempts: 2 });
    await acrossOrganizationsRecoverLostExecutions(context(), { settings });

    const action = await waitForTerminal(org, id);
    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(4);
    expect(action.lostAttempts).toBe(2);
  });

  it("leaves alone an action that still has a job, or was touched recently", async () => {
    const withJob = await abandoned(1);
    await transaction(db(), (tx) =>
      enqueueExecution(
        tx,
        { actionId: withJob, organizationId: org },
        { boss, startAfter: new Date(Date.now() + 3_600_000) },
      ),
    );
    const recent = await leftBehind("EXECUTING", 1);

    await acrossOrganizationsRecoverLostExecutions(context(), { settings });

    for (const id of [withJob, recent]) {
      const action = await loadAction(org, id);
      expect(action.status).toBe("EXECUTING");
      expect(action.events).toHaveLength(0);
    }
  });
});

describe("reconciler: jobless QUEUED actions", () => {
  it("enqueues a QUEUED action left without a job, once", async () => {
    const id = await abandoned(0, "QUEUED");
    const first = await acrossOrganizationsRequeueJoblessActions(context());
    expect(first.requeued).toBeGreaterThanOrEqual(1);

    const action = await waitForTerminal(org, id);
    expect(action.status).toBe("COMPLETED");
    expect(await jobsFor(id)).toHaveLength(1);
  });

  it("does not add a second job to a QUEUED action whose job is pending", async () => {
    const id = await abandoned(0, "QUEUED");
    await transaction(db(), (tx) =>
      enqueueExecution(
        tx,
        { actionId: id, organizationId: org },
        { boss, startAfter: new Date(Date.now() + 3_600_000) },
      ),
    );
    await acrossOrganizationsRequeueJoblessActions(context());
    expect(await jobsFor(id)).toHaveLength(1);
    expect((await loadAction(org, id)).status).toBe("QUEUED");
  });

  it("runs both scans from the scheduled job's handler", async () => {
    const lost = await abandoned(3, "EXECUTING", { lostAttempts: 2 });
    const jobless = await abandoned(0, "QUEUED");
    await runReconciler(settings);

    expect((await loadAction(org, lost)).status).toBe("FAILED");
    expect((await waitForTerminal(org, jobless)).status).toBe("COMPLETED");
  });
});
