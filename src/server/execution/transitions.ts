import { Prisma } from "@/generated/prisma/client";
import { type Db, queryRows, type Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { actionByKey, type RawActionRow } from "@/server/remediation/action-row";
import type { ActionEventType } from "@/server/remediation/events";
import { SYSTEM_ACTOR } from "@/server/remediation/events";

/**
 * The execution state machine's writes. Each is ONE statement: a conditional update (status and
 * attempt number in the WHERE) and the event it records, together in a data-modifying CTE. So of
 * two workers holding the same action (a slow one whose job was re-delivered, and its
 * successor) only the holder of the current attempt can record anything, and the counter rows
 * the status trigger updates stay locked for one statement instead of a multi-round-trip
 * transaction (they are shared by every action of an organization and environment).
 * Outside a transaction the statement runs straight on the client's pg pool (`queryRows`): it is
 * autocommit either way, and Prisma's raw-query path cost the worker more CPU than PostgreSQL did.
 */

export interface ClaimedAction
  extends Pick<
    RawActionRow,
    "id" | "organizationId" | "incidentId" | "actionType" | "parameters" | "serviceName" | "environment" | "severity"
  > {
  attempts: number;
  startedAt: string;
}

type ActionRef = Pick<ClaimedAction, "id" | "organizationId" | "attempts">;

export const LOST_EXECUTION_ERROR = "Execution lost: worker stopped responding";

/** Keys of `details.execution` that describe one attempt or a pending retry, not the outcome. */
const TRANSIENT_KEYS = ["lastError", "nextAttemptAt", "output", "outputTruncated", "error"];

/**
 * `details.execution` ← its current value minus `remove`, plus `patch` (policy/approval untouched).
 * `patch` is a value, or a jsonb expression over the row being updated.
 */
function mergeExecution(patch: Record<string, unknown> | Prisma.Sql, remove: string[] = []): Prisma.Sql {
  const value = patch instanceof Prisma.Sql ? patch : Prisma.sql`${JSON.stringify(patch)}::jsonb`;
  return Prisma.sql`details || jsonb_build_object('execution',
    (COALESCE(details->'execution', '{}'::jsonb) - ${remove}::text[]) || ${value})`;
}

/** The reconciler's guard: act only if nobody touched the action since it was found stale. */
function untouchedSince(staleBefore: Date | undefined): Prisma.Sql {
  return staleBefore ? Prisma.sql`AND "updatedAt" < ${staleBefore}` : Prisma.empty;
}

/** UPDATE … RETURNING plus the event for every updated row, in one statement. */
function transition<T>(
  db: Db | Tx,
  update: { set: Prisma.Sql; where: Prisma.Sql; returning?: Prisma.Sql },
  event: { type: ActionEventType; data: Record<string, unknown>; fromRow?: Prisma.Sql },
): Promise<T[]> {
  // `fromRow`: event fields computed from the moved row (e.g. the attempt number it was given).
  const data = event.fromRow
    ? Prisma.sql`${JSON.stringify(event.data)}::jsonb || ${event.fromRow}`
    : Prisma.sql`${JSON.stringify(event.data)}::jsonb`;
  const returning = update.returning ? Prisma.sql`, ${update.returning}` : Prisma.empty;
  return queryRows<T>(
    db,
    Prisma.sql`
    WITH moved AS (
      UPDATE remediation_actions SET ${update.set}, "updatedAt" = now() WHERE ${update.where}
      RETURNING id, "organizationId" ${returning}
    ), logged AS (
      INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data)
      SELECT gen_random_uuid(), "organizationId", id, ${event.type}::"ActionEventType",
             ${SYSTEM_ACTOR}, ${data}
      FROM moved
    )
    SELECT * FROM moved`,
  );
}

function currentAttempt(action: ActionRef, staleBefore?: Date): Prisma.Sql {
  return Prisma.sql`${actionByKey(action.id, action.organizationId)}
    AND status = 'EXECUTING' AND attempts = ${action.attempts} ${untouchedSince(staleBefore)}`;
}

/**
 * QUEUED → EXECUTING, or EXECUTING → EXECUTING as the next attempt (a retry after backoff, or a
 * re-delivery after the previous worker died) while attempts remain. One statement, no read
 * first: the WHERE is the whole claim rule, so of two workers racing for one attempt exactly one
 * updates. The first attempt's startedAt is kept. Null when the action is not claimable (missing,
 * terminal, out of attempts, or moved on by someone else): the caller reads it to say why.
 */
export async function claimAttempt(
  db: Db,
  scope: OrgScope,
  input: { actionId: string; executor: string; maxAttempts: number },
): Promise<ClaimedAction | null> {
  const { actionId, executor, maxAttempts } = input;
  const startedAt = new Date().toISOString();
  const [row] = await transition<ClaimedAction>(
    db,
    {
      set: Prisma.sql`status = 'EXECUTING', attempts = attempts + 1,
        details = ${mergeExecution(
          Prisma.sql`jsonb_build_object('executor', ${executor}::text, 'attempts', attempts + 1,
            'startedAt', COALESCE(details->'execution'->>'startedAt', ${startedAt}::text))`,
          ["lastError", "nextAttemptAt"],
        )}`,
      where: Prisma.sql`${actionByKey(actionId, scope.organizationId)}
        AND (status = 'QUEUED' OR (status = 'EXECUTING' AND attempts < ${maxAttempts}))`,
      returning: Prisma.sql`"incidentId", "actionType", parameters, "serviceName", environment,
        severity::text AS severity, attempts, details->'execution'->>'startedAt' AS "startedAt"`,
    },
    { type: "EXECUTION_STARTED", data: { executor }, fromRow: Prisma.sql`jsonb_build_object('attempt', attempts)` },
  );
  return row ?? null;
}

/** EXECUTING (this attempt) → COMPLETED with the executor's output. */
export async function completeAttempt(
  db: Db,
  action: ActionRef & { startedAt: string },
  result: { executor: string; output: unknown; outputTruncated?: boolean },
): Promise<boolean> {
  const finishedAt = new Date();
  const durationMs = finishedAt.getTime() - Date.parse(action.startedAt);
  const patch = {
    executor: result.executor,
    attempts: action.attempts,
    finishedAt: finishedAt.toISOString(),
    durationMs,
    output: result.output ?? null,
    ...(result.outputTruncated ? { outputTruncated: true } : {}),
  };
  const rows = await transition(
    db,
    {
      set: Prisma.sql`status = 'COMPLETED', error = NULL, details = ${mergeExecution(patch, TRANSIENT_KEYS)}`,
      where: currentAttempt(action),
    },
    { type: "EXECUTION_SUCCEEDED", data: { attempt: action.attempts, executor: result.executor, durationMs } },
  );
  return rows.length > 0;
}

/** EXECUTING (this attempt) → FAILED with `error` (the last attempt's error). */
export async function failAttempt(
  db: Db,
  action: ActionRef & { startedAt?: string },
  result: { executor: string; error: string; staleBefore?: Date },
): Promise<boolean> {
  const finishedAt = new Date();
  const patch = {
    executor: result.executor,
    attempts: action.attempts,
    finishedAt: finishedAt.toISOString(),
    ...(action.startedAt ? { durationMs: finishedAt.getTime() - Date.parse(action.startedAt) } : {}),
    error: result.error,
  };
  const rows = await transition(
    db,
    {
      set: Prisma.sql`status = 'FAILED', error = ${result.error}, details = ${mergeExecution(patch, TRANSIENT_KEYS)}`,
      where: currentAttempt(action, result.staleBefore),
    },
    { type: "EXECUTION_FAILED", data: { attempt: action.attempts, executor: result.executor, error: result.error } },
  );
  return rows.length > 0;
}

/**
 * Keeps the action EXECUTING through the backoff (contract §12) and records the retry;
 * `schedule` runs in the same transaction and creates the job for the next attempt.
 */
export async function recordRetry(
  db: Db,
  action: ActionRef,
  retry: { error: string; delayMs: number; staleBefore?: Date },
  schedule: (tx: Tx, startAfter: Date) => Promise<void>,
): Promise<boolean> {
  const nextAttemptAt = new Date(Date.now() + retry.delayMs);
  return db.$transaction(async (tx) => {
    const rows = await transition(
      tx,
      {
        set: Prisma.sql`details = ${mergeExecution({ lastError: retry.error, nextAttemptAt: nextAttemptAt.toISOString() })}`,
        where: currentAttempt(action, retry.staleBefore),
      },
      {
        type: "EXECUTION_RETRY",
        data: {
          attempt: action.attempts,
          error: retry.error,
          nextAttempt: action.attempts + 1,
          nextDelayMs: retry.delayMs,
          nextAttemptAt: nextAttemptAt.toISOString(),
        },
      },
    );
    if (rows.length === 0) return false;
    await schedule(tx, nextAttemptAt);
    return true;
  });
}
