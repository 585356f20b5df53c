import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { resetEnvCache } from "@/server/env";
import { senderBoss, stopSenderBoss } from "@/server/jobs/boss";
import { reconcileExecutionsJob } from "@/server/jobs/reconcile-executions";
import { remediationExecuteJob } from "@/server/jobs/remediation-execute";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import { ensureExecuteQueue } from "@/server/remediation/enqueue-execution";
import { createTestOrganization } from "@/test/db";
import { createAction, createIncident, jobsFor, loadAction, waitForTerminal } from "@/test/execution-fixtures";
import {
  acrossOrganizationsRecoverLostExecutions,
  acrossOrganizationsRequeueJoblessActions,
} from "./recover-executions";
import { scheduleExecution } from "./schedule-execution";

let worker: RunningWorker;
let boss: PgBoss;
let org: string;
let incident: string;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

beforeAll(async () => {
  Object.assign(process.env, {
    REMEDIATION_EXECUTOR: "simulated",
    REMEDIATION_SIMULATED_DELAY_MS: "0",
    REMEDIATION_EXECUTION_RETRIES: "2",
  });
  resetEnvCache();
  await ensureExecuteQueue();
  worker = await startWorker([remediationExecuteJob]);
  boss = await senderBoss();
  org = await createTestOrganization("recon");
  incident = await createIncident(org);
});

afterAll(async () => {
  await worker?.stop();
  await stopSenderBoss();
});

/** An action as a dead worker leaves it: EXECUTING, no job, untouched for an hour. */
async function abandoned(attempts: number, status: "EXECUTING" | "QUEUED" = "EXECUTING"): Promise<string> {
  const id = await createAction(org, incident, { status, attempts, enqueue: false });
  await db().$executeRaw`UPDATE remediation_actions SET "updatedAt" = ${HOUR_AGO} WHERE id = ${id}::uuid`;
  return id;
}

const context = () => ({ db: db(), boss });

describe("reconciler: lost executions", () => {
  it("re-queues an abandoned EXECUTING action that has attempts left; it then runs as a new attempt", async () => {
    const id = await abandoned(1);
    const result = await acrossOrganizationsRecoverLostExecutions(context());
    expect(result.requeued).toBeGreaterThanOrEqual(1);

    const action = await waitForTerminal(id);
    expect(action.status).toBe("COMPLETED");
    expect(action.attempts).toBe(2);
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_RETRY", "EXECUTION_STARTED", "EXECUTION_SUCCEEDED"]);
    expect(action.events[0]!.data).toMatchObject({ attempt: 1, error: "Execution lost: worker stopped responding" });
  });

  it("fails an abandoned action with no attempts left: Execution lost", async () => {
    const id = await abandoned(3);
    await acrossOrganizationsRecoverLostExecutions(context());

    const action = await loadAction(id);
    expect(action.status).toBe("FAILED");
    expect(action.error).toBe("Execution lost: worker stopped responding");
    expect(action.events.map((e) => e.type)).toEqual(["EXECUTION_FAILED"]);
    expect(action.events[0]!.actor).toBe("system");
  });

  it("leaves alone an action that still has a job, or was touched recently", async () => {
    const withJob = await abandoned(1);
    await db().$transaction((tx) =>
      scheduleExecution(boss, tx, { actionId: withJob, organizationId: org }, new Date(Date.now() + 3_600_000)),
    );
    const recent = await createAction(org, incident, { status: "EXECUTING", attempts: 1, enqueue: false });

    await acrossOrganizationsRecoverLostExecutions(context());

    for (const id of [withJob, recent]) {
      const action = await loadAction(id);
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

    const action = await waitForTerminal(id);
    expect(action.status).toBe("COMPLETED");
    expect(await jobsFor(id)).toHaveLength(1);
  });

  it("does not add a second job to a QUEUED action whose job is pending", async () => {
    const id = await abandoned(0, "QUEUED");
    await db().$transaction((tx) =>
      scheduleExecution(boss, tx, { actionId: id, organizationId: org }, new Date(Date.now() + 3_600_000)),
    );
    await acrossOrganizationsRequeueJoblessActions(context());
    expect(await jobsFor(id)).toHaveLength(1);
    expect((await loadAction(id)).status).toBe("QUEUED");
  });

  it("runs both scans from the scheduled job's handler", async () => {
    const lost = await abandoned(3);
    const jobless = await abandoned(0, "QUEUED");
    await reconcileExecutionsJob.handle([], boss);

    expect((await loadAction(lost)).status).toBe("FAILED");
    expect((await waitForTerminal(jobless)).status).toBe("COMPLETED");
  });
});
