import { Prisma } from "@/generated/prisma/client";
import type { Db, Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import type { RawActionRow } from "@/server/remediation/action-row";
import type { ActionEventType } from "@/server/remediation/events";
import { SYSTEM_ACTOR } from "@/server/remediation/events";

/**
 * The execution state machine's writes. Each is ONE statement: a conditional update (status and
 * attempt number in the WHERE) and the event it records, together in a data-modifying CTE. So of
 * two workers holding the same action (a slow one whose job was re-delivered, and its
 * successor) only the holder of the current attempt can record anything, and the counter rows
 * the status trigger updates stay locked for one statement instead of a multi-round-trip
 * transaction (they are shared by every action of an organization and environment).
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

/** `details.execution` ← its current value minus `remove`, plus `patch` (policy/approval untouched). */
function mergeExecution(patch: Record<string, unknown>, remove: string[] = []): Prisma.Sql {
  return Prisma.sql`details || jsonb_build_object('execution',
    (COALESCE(details->'execution', '{}'::jsonb) - ${remove}::text[]) || ${JSON.stringify(patch)}::jsonb)`;
}

/** The reconciler's guard: act only if nobody touched the action since it was found stale. */
function untouchedSince(staleBefore: Date | undefined): Prisma.Sql {
  return staleBefore ? Prisma.sql`AND "updatedAt" < ${staleBefore}` : Prisma.empty;
}

/** UPDATE … RETURNING plus the event for every updated row, in one statement. */
function transition<T>(
  db: Db | Tx,
  update: { set: Prisma.Sql; where: Prisma.Sql; returning?: Prisma.Sql },
  event: { type: ActionEventType; data: Record<string, unknown> },
): Promise<T[]> {
  const returning = update.returning ? Prisma.sql`, ${update.returning}` : Prisma.empty;
  return db.$queryRaw<T[]>`
    WITH moved AS (
      UPDATE remediation_actions SET ${update.set}, "updatedAt" = now() WHERE ${update.where}
      RETURNING id, "organizationId" ${returning}
    ), logged AS (
      INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data)
      SELECT gen_random_uuid(), "organizationId", id, ${event.type}::"ActionEventType",
             ${SYSTEM_ACTOR}, ${JSON.stringify(event.data)}::jsonb
      FROM moved
    )
    SELECT * FROM moved`;
}

function currentAttempt(action: ActionRef, staleBefore?: Date): Prisma.Sql {
  return Prisma.sql`id = ${action.id}::uuid AND "organizationId" = ${action.organizationId}
    AND status = 'EXECUTING' AND attempts = ${action.attempts} ${untouchedSince(staleBefore)}`;
}

/**
 * QUEUED → EXECUTING, or EXECUTING → EXECUTING as the next attempt (a retry after backoff, or a
 * re-delivery after the previous worker died). Null when someone else moved the action first.
 */
export async function claimAttempt(
  db: Db,
  scope: OrgScope,
  input: { actionId: string; observed: { status: string; attempts: number }; executor: string; startedAt?: string },
): Promise<ClaimedAction | null> {
  const { actionId, observed, executor } = input;
  const startedAt = input.startedAt ?? new Date().toISOString();
  const attempt = observed.attempts + 1;
  const [row] = await transition<Omit<ClaimedAction, "startedAt">>(
    db,
    {
      set: Prisma.sql`status = 'EXECUTING', attempts = attempts + 1,
        details = ${mergeExecution({ executor, attempts: attempt, startedAt }, ["lastError", "nextAttemptAt"])}`,
      where: Prisma.sql`id = ${actionId}::uuid AND "organizationId" = ${scope.organizationId}
        AND status = ${observed.status}::"ActionStatus" AND attempts = ${observed.attempts}
        AND status IN ('QUEUED', 'EXECUTING')`,
      returning: Prisma.sql`"incidentId", "actionType", parameters, "serviceName", environment,
        severity::text AS severity, attempts`,
    },
    { type: "EXECUTION_STARTED", data: { attempt, executor } },
  );
  return row ? { ...row, startedAt } : null;
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
