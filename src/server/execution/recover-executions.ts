import type { PgBoss } from "pg-boss";
import { type Db, transaction } from "@/server/db/client";
import * as actions from "@/server/db/stores/actions";
import { afterWorkerLoss } from "./attempts";
import { enqueueExecution, executeJobTable } from "./queue";
import { type ExecutionSettings, executionSettings, lostExecutionAfterMs } from "./settings";
import { failAttempt, LOST_EXECUTION_ERROR, recordRetry } from "./transitions";

/** Rows handled per pass; the next minute's pass takes the rest. */
const BATCH = 500;

/**
 * Actions left EXECUTING by a worker that died and whose job pg-boss has given up on (or lost):
 * untouched for longer than every attempt and backoff could take, and no job left to run them.
 * Re-queued as a new attempt (a lost one does not use up a retry, attempts.ts) unless this is
 * the third lost attempt: then FAILED with `Execution lost: …`. Cross-organization on purpose:
 * one scheduled pass recovers every tenant's actions.
 */
export async function acrossOrganizationsRecoverLostExecutions(
  { db, boss }: { db: Db; boss: PgBoss },
  options: { lostAfterMs?: number; settings?: ExecutionSettings } = {},
): Promise<{ requeued: number; failed: number }> {
  const settings = options.settings ?? executionSettings();
  const staleBefore = new Date(Date.now() - (options.lostAfterMs ?? lostExecutionAfterMs(settings)));
  const candidates = await actions.acrossOrganizationsFindLostExecutions(db, {
    staleBefore,
    jobs: await executeJobTable(boss),
    limit: BATCH,
  });
  let requeued = 0;
  let failed = 0;
  for (const action of candidates) {
    const next = afterWorkerLoss(action, settings);
    if (next === "fail") {
      const lost = await failAttempt(
        db,
        { ...action, startedAt: action.startedAt ?? undefined },
        { executor: settings.executor, error: LOST_EXECUTION_ERROR, staleBefore, lost: true },
      );
      if (lost) failed++;
    } else {
      // "resume": a retry was pending and only its job went missing; "rerun": the attempt was lost.
      const retried = await recordRetry(
        db,
        action,
        { error: LOST_EXECUTION_ERROR, delayMs: 0, staleBefore, lost: next === "rerun" },
        { boss },
      );
      if (retried) requeued++;
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
  const candidates = await actions.acrossOrganizationsFindJoblessQueued(db, {
    queuedBefore: new Date(Date.now() - (options.queuedForMs ?? 60_000)),
    jobs: await executeJobTable(boss),
    limit: BATCH,
  });
  let requeued = 0;
  for (const action of candidates) {
    // The exclusive queue inserts nothing if a job appeared since the scan.
    const created = await transaction(db, (tx) =>
      enqueueExecution(tx, { actionId: action.id, organizationId: action.organizationId }, { boss }),
    );
    if (created) requeued++;
  }
  return { requeued };
}
