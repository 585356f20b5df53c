import type { PgBoss } from "pg-boss";
import { Prisma } from "@/generated/prisma/client";
import type { Db } from "@/server/db/client";
import { REMEDIATION_EXECUTE_QUEUE } from "@/server/jobs/queues";
import { scheduleExecution } from "./schedule-execution";
import { type ExecutionSettings, executionSettings, lostExecutionAfterMs } from "./settings";
import { failAttempt, LOST_EXECUTION_ERROR, recordRetry } from "./transitions";

/** Rows handled per pass; the next minute's pass takes the rest. */
const BATCH = 500;

interface Candidate {
  id: string;
  organizationId: string;
  attempts: number;
  startedAt: string | null;
}

/**
 * "No pending or running job for this action", read from pg-boss's own job table: created,
 * retry and active (states <= active, the predicate of the exclusive-policy index), in the
 * queue's table (its own when partitioned).
 */
async function noLiveJob(boss: PgBoss): Promise<Prisma.Sql> {
  const queue = await boss.getQueue(REMEDIATION_EXECUTE_QUEUE);
  const table = Prisma.raw(`pgboss.${JSON.stringify(queue?.table ?? "job")}`);
  return Prisma.sql`NOT EXISTS (
    SELECT 1 FROM ${table} j
    WHERE j.name = ${REMEDIATION_EXECUTE_QUEUE} AND j.singleton_key = a.id::text AND j.state <= 'active')`;
}

/**
 * Actions left EXECUTING by a worker that died and whose job pg-boss has given up on (or lost):
 * untouched for longer than every attempt and backoff could take, and no job left to run them.
 * Re-queued as a new attempt while attempts remain, else FAILED with `Execution lost: …`.
 * Cross-organization on purpose: one scheduled pass recovers every tenant's actions.
 */
export async function acrossOrganizationsRecoverLostExecutions(
  { db, boss }: { db: Db; boss: PgBoss },
  options: { lostAfterMs?: number; settings?: ExecutionSettings } = {},
): Promise<{ requeued: number; failed: number }> {
  const settings = options.settings ?? executionSettings();
  const staleBefore = new Date(Date.now() - (options.lostAfterMs ?? lostExecutionAfterMs(settings)));
  const candidates = await db.$queryRaw<Candidate[]>`
    SELECT a.id, a."organizationId", a.attempts, a.details->'execution'->>'startedAt' AS "startedAt"
    FROM remediation_actions a
    WHERE a.status = 'EXECUTING' AND a."updatedAt" < ${staleBefore} AND ${await noLiveJob(boss)}
    ORDER BY a."updatedAt" LIMIT ${BATCH}`;
  let requeued = 0;
  let failed = 0;
  for (const action of candidates) {
    if (action.attempts < settings.maxAttempts) {
      const retried = await recordRetry(db, action, { error: LOST_EXECUTION_ERROR, delayMs: 0, staleBefore }, (tx) =>
        scheduleExecution(boss, tx, { actionId: action.id, organizationId: action.organizationId }).then(() => {}),
      );
      if (retried) requeued++;
    } else {
      const lost = await failAttempt(
        db,
        { ...action, startedAt: action.startedAt ?? undefined },
        { executor: settings.executor, error: LOST_EXECUTION_ERROR, staleBefore },
      );
      if (lost) failed++;
    }
  }
  return { requeued, failed };
}

/**
 * QUEUED actions older than `queuedForMs` with no job (a job deleted by hand, a queue recreated,
 * a send that never committed): enqueued again. Cross-organization on purpose, as above.
 */
export async function acrossOrganizationsRequeueJoblessActions(
  { db, boss }: { db: Db; boss: PgBoss },
  options: { queuedForMs?: number } = {},
): Promise<{ requeued: number }> {
  const queuedBefore = new Date(Date.now() - (options.queuedForMs ?? 60_000));
  const candidates = await db.$queryRaw<{ id: string; organizationId: string }[]>`
    SELECT a.id, a."organizationId"
    FROM remediation_actions a
    WHERE a.status = 'QUEUED' AND a."updatedAt" < ${queuedBefore} AND ${await noLiveJob(boss)}
    ORDER BY a."updatedAt" LIMIT ${BATCH}`;
  let requeued = 0;
  for (const action of candidates) {
    // The exclusive queue inserts nothing if a job appeared since the scan.
    const created = await db.$transaction((tx) =>
      scheduleExecution(boss, tx, { actionId: action.id, organizationId: action.organizationId }),
    );
    if (created) requeued++;
  }
  return { requeued };
}
