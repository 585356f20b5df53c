import { Prisma } from "@/generated/prisma/client";
import type { ActionStatus } from "@/lib/schemas";
import { type Queryable, queryRows } from "../../client";
import { isUuid } from "../../scoped";
import { type ActionEventType, insertEventsForMovedRows, SYSTEM_ACTOR } from "../events";
import { actionByKey, type RawActionRow } from "./row";

/**
 * The execution state machine's writes on remediation_actions (docs/behaviour.md#execution).
 * Each is ONE statement: a conditional update (status and attempt number in the WHERE) and the
 * event it records, together in a data-modifying CTE. So of two workers holding the same action
 * (a slow one whose job was re-delivered, and its successor) only the holder of the current
 * attempt can record anything, and the counter rows the status trigger updates stay locked for
 * one statement instead of a multi-round-trip transaction.
 */

export interface ClaimedAction
  extends Pick<
    RawActionRow,
    "id" | "organizationId" | "incidentId" | "actionType" | "parameters" | "serviceName" | "environment" | "severity"
  > {
  attempts: number;
  /** Of `attempts`, those whose worker died before recording an outcome (this claim's count included). */
  lostAttempts: number;
  startedAt: string;
}

/** An attempt of an action: the attempt number is what makes a write stale or current. */
export interface AttemptRef {
  id: string;
  organizationId: string;
  attempts: number;
}

/**
 * The previous attempt's end was recorded and a next attempt is due: a transient failure's
 * retry (or the reconciler's re-queue) leaves `details.execution.nextAttemptAt`, and every claim
 * and outcome removes it. An EXECUTING action without it was left mid-attempt by a worker that
 * died or lost its job: its attempt is lost, and the next claim counts it in "lostAttempts".
 */
const RETRY_PENDING = Prisma.sql`(details->'execution'->>'nextAttemptAt') IS NOT NULL`;

/** 1 when claiming this row re-runs a lost attempt, else 0 (in SET and WHERE: the row before the update). */
const LOSES_AN_ATTEMPT = Prisma.sql`(CASE WHEN status = 'EXECUTING' AND NOT ${RETRY_PENDING} THEN 1 ELSE 0 END)`;

/** `{ lostAttempts: n }` when n > 0, else `{}`: the count mirrored into details.execution and events. */
function lostAttemptsField(count: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${count} > 0 THEN jsonb_build_object('lostAttempts', ${count}) ELSE '{}'::jsonb END)`;
}

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

/**
 * UPDATE … RETURNING plus the system's event for every updated row, in one statement. `from`: a
 * further FROM item of the UPDATE (a batch's own values, one row per action).
 */
function transition<T>(
  q: Queryable,
  update: { set: Prisma.Sql; where: Prisma.Sql; returning?: Prisma.Sql; from?: Prisma.Sql },
  event: { type: ActionEventType; data: Record<string, unknown>; fromRow?: Prisma.Sql },
): Promise<T[]> {
  const returning = update.returning ? Prisma.sql`, ${update.returning}` : Prisma.empty;
  const from = update.from ? Prisma.sql`FROM ${update.from}` : Prisma.empty;
  return queryRows<T>(
    q,
    Prisma.sql`
    WITH moved AS (
      UPDATE remediation_actions SET ${update.set}, "updatedAt" = now() ${from} WHERE ${update.where}
      RETURNING id, "organizationId" ${returning}
    ), logged AS (${insertEventsForMovedRows({ ...event, actor: SYSTEM_ACTOR })})
    SELECT * FROM moved`,
    { prepared: true },
  );
}

/** The attempt is still the current one (and, for the reconciler, untouched since `staleBefore`). */
function currentAttempt(action: AttemptRef, staleBefore?: Date): Prisma.Sql {
  return Prisma.sql`${actionByKey(action.organizationId, action.id)}
    AND status = 'EXECUTING' AND attempts = ${action.attempts}
    ${staleBefore ? Prisma.sql`AND "updatedAt" < ${staleBefore}::timestamptz` : Prisma.empty}`;
}

/** What a claim records: the executor, the attempt limits, the first attempt's start. */
export interface ClaimInput {
  executor: string;
  maxAttempts: number;
  maxLostAttempts: number;
  startedAt: string;
}

/**
 * QUEUED → EXECUTING, or EXECUTING → EXECUTING as the next attempt. The WHERE is the whole claim
 * rule (docs/behaviour.md#claim), so of two workers racing for one attempt exactly one updates:
 * - a retry is pending (the previous attempt failed transiently): while the attempts that were
 *   not lost stay under `maxAttempts` (REMEDIATION_EXECUTION_RETRIES + 1);
 * - no retry is pending (the previous attempt's worker died, or lost its job): the attempt is
 *   re-run and counted in "lostAttempts", which does not touch the retries, while this loss
 *   stays under `maxLostAttempts`.
 * The first attempt's startedAt is kept. Null when the action is not claimable.
 */
export async function claimAttempt(
  q: Queryable,
  organizationId: string,
  input: ClaimInput & { actionId: string },
): Promise<ClaimedAction | null> {
  const [row] = await claimWhere(q, actionByKey(organizationId, input.actionId), input);
  return row ?? null;
}

/**
 * claimAttempt for several actions in ONE statement (one commit): a worker's fetched batch
 * (docs/adr/0013-one-claim-per-fetched-batch.md). Each row is matched by its own
 * (organizationId, id) key and claimed under the same rule, each independently of the others;
 * across organizations on purpose, as a batch of the execution queue mixes tenants. Returns the
 * rows claimed (an action that was not claimable is absent). The counter trigger is one
 * statement-level pass that locks its rows in key order, as for any multi-row update.
 */
export function acrossOrganizationsClaimAttempts(
  q: Queryable,
  keys: readonly { organizationId: string; actionId: string }[],
  input: ClaimInput,
): Promise<ClaimedAction[]> {
  const valid = keys.filter((k) => isUuid(k.actionId));
  if (valid.length === 0) return Promise.resolve([]);
  const ids = valid.map((k) => k.actionId);
  const organizations = valid.map((k) => k.organizationId);
  return claimWhere(
    q,
    // id = ANY: the primary-key lookups whatever the planner thinks of the organizations (row.ts).
    Prisma.sql`id = ANY(${ids}::uuid[])
      AND (id, "organizationId") IN (SELECT * FROM unnest(${ids}::uuid[], ${organizations}::text[]))`,
    input,
  );
}

function claimWhere(q: Queryable, key: Prisma.Sql, input: ClaimInput): Promise<ClaimedAction[]> {
  const { executor, maxAttempts, maxLostAttempts, startedAt } = input;
  const lostAfterClaim = Prisma.sql`("lostAttempts" + ${LOSES_AN_ATTEMPT})`;
  return transition<ClaimedAction>(
    q,
    {
      set: Prisma.sql`status = 'EXECUTING', attempts = attempts + 1, "lostAttempts" = ${lostAfterClaim},
        details = ${mergeExecution(
          Prisma.sql`jsonb_build_object('executor', ${executor}::text, 'attempts', attempts + 1,
            'startedAt', COALESCE(details->'execution'->>'startedAt', ${startedAt}::text))
            || ${lostAttemptsField(lostAfterClaim)}`,
          ["lastError", "nextAttemptAt"],
        )}`,
      where: Prisma.sql`${key}
        AND (status = 'QUEUED'
          OR (status = 'EXECUTING' AND ${RETRY_PENDING} AND attempts - "lostAttempts" < ${maxAttempts})
          OR (status = 'EXECUTING' AND NOT ${RETRY_PENDING} AND "lostAttempts" + 1 < ${maxLostAttempts}))`,
      returning: Prisma.sql`"incidentId", "actionType", parameters, "serviceName", environment,
        severity::text AS severity, attempts, "lostAttempts", details->'execution'->>'startedAt' AS "startedAt"`,
    },
    {
      type: "EXECUTION_STARTED",
      data: { executor },
      fromRow: Prisma.sql`jsonb_build_object('attempt', attempts) || ${lostAttemptsField(Prisma.sql`"lostAttempts"`)}`,
    },
  );
}

/** Where an action stands between attempts: what run-execution and the reconciler decide on. */
export interface ExecutionState {
  status: ActionStatus;
  attempts: number;
  lostAttempts: number;
  /** A retry is due (the previous attempt's outcome was recorded); false mid-attempt or after a lost one. */
  retryPending: boolean;
  startedAt: string | null;
  /** The error of the last failed attempt while a retry is pending. */
  lastError: string | null;
}

const EXECUTION_STATE = Prisma.sql`status::text AS status, attempts, "lostAttempts",
  ${RETRY_PENDING} AS "retryPending", details->'execution'->>'startedAt' AS "startedAt",
  details->'execution'->>'lastError' AS "lastError"`;

/** The action's execution state (undefined when it does not exist in the organization). */
export async function findExecutionState(
  q: Queryable,
  organizationId: string,
  id: string,
): Promise<ExecutionState | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryRows<ExecutionState>(
    q,
    Prisma.sql`SELECT ${EXECUTION_STATE} FROM remediation_actions WHERE ${actionByKey(organizationId, id)}`,
  );
  return row;
}

/** One action's key across organizations (a batch mixes tenants): organization and id. */
export function actionKey(organizationId: string, id: string): string {
  return `${organizationId}\u0000${id}`;
}

/** What completing one attempt writes: `execution` is merged into details.execution. */
export interface AttemptCompletion {
  action: AttemptRef;
  execution: Record<string, unknown>;
  event: Record<string, unknown>;
}

/**
 * EXECUTING (this attempt) → COMPLETED for each of `completions`, in ONE statement (a group of
 * outcomes, docs/adr/0017-execution-outcomes-group-committed.md). Each row is matched by its own
 * (organizationId, id) key and attempt number, exactly as one completion's WHERE; across
 * organizations on purpose, as the worker's outcomes mix tenants. Returns, in order, whether each
 * was recorded (false: stale, a newer attempt or the reconciler moved the action on). The keys
 * must be distinct.
 */
export async function acrossOrganizationsCompleteAttempts(
  q: Queryable,
  completions: readonly AttemptCompletion[],
): Promise<boolean[]> {
  const ids = completions.map((c) => c.action.id);
  const rows = await transition<{ id: string; organizationId: string }>(
    q,
    {
      set: Prisma.sql`status = 'COMPLETED', error = NULL, details = ${mergeExecution(Prisma.sql`batch.execution`, TRANSIENT_KEYS)}`,
      from: Prisma.sql`unnest(${ids}::uuid[], ${completions.map((c) => c.action.organizationId)}::text[],
        ${completions.map((c) => c.action.attempts)}::int[],
        ${completions.map((c) => JSON.stringify(c.execution))}::jsonb[],
        ${completions.map((c) => JSON.stringify(c.event))}::jsonb[])
        AS batch(action_id, organization_id, attempt, execution, event)`,
      // id = ANY: the primary-key lookups whatever the planner thinks of the organizations (row.ts).
      where: Prisma.sql`id = ANY(${ids}::uuid[]) AND id = batch.action_id AND "organizationId" = batch.organization_id
        AND status = 'EXECUTING' AND attempts = batch.attempt`,
      returning: Prisma.sql`batch.event AS "eventData"`,
    },
    { type: "EXECUTION_SUCCEEDED", data: {}, fromRow: Prisma.sql`"eventData"` },
  );
  const recorded = new Set(rows.map((row) => actionKey(row.organizationId, row.id)));
  return completions.map((c) => recorded.has(actionKey(c.action.organizationId, c.action.id)));
}

/**
 * `lost`: this attempt's worker died (no outcome was recorded, no retry is pending, which the
 * WHERE checks too): "lostAttempts" counts it, mirrored into details.execution.
 */
function lostAttemptSet(lost: boolean | undefined): { set: Prisma.Sql; execution: Prisma.Sql; where: Prisma.Sql } {
  if (!lost) return { set: Prisma.empty, execution: Prisma.sql`'{}'::jsonb`, where: Prisma.empty };
  return {
    set: Prisma.sql`, "lostAttempts" = "lostAttempts" + 1`,
    execution: lostAttemptsField(Prisma.sql`("lostAttempts" + 1)`),
    where: Prisma.sql`AND NOT ${RETRY_PENDING}`,
  };
}

/** EXECUTING (this attempt) → FAILED with `error` (the last attempt's error, or a lost worker's). */
export async function failAttempt(
  q: Queryable,
  action: AttemptRef,
  input: {
    error: string;
    execution: Record<string, unknown>;
    event: Record<string, unknown>;
    staleBefore?: Date;
    lost?: boolean;
  },
): Promise<boolean> {
  const lost = lostAttemptSet(input.lost);
  const execution = Prisma.sql`${JSON.stringify(input.execution)}::jsonb || ${lost.execution}`;
  const rows = await transition(
    q,
    {
      set: Prisma.sql`status = 'FAILED', error = ${input.error}, details = ${mergeExecution(execution, TRANSIENT_KEYS)}${lost.set}`,
      where: Prisma.sql`${currentAttempt(action, input.staleBefore)} ${lost.where}`,
    },
    { type: "EXECUTION_FAILED", data: input.event },
  );
  return rows.length > 0;
}

/**
 * Keeps the action EXECUTING through the backoff and records the retry (details.execution gets
 * lastError and nextAttemptAt). The caller creates the next attempt's job in the same
 * transaction. `lost`: the retry re-runs an attempt whose worker died (the reconciler's).
 */
export async function recordAttemptRetry(
  q: Queryable,
  action: AttemptRef,
  input: { execution: Record<string, unknown>; event: Record<string, unknown>; staleBefore?: Date; lost?: boolean },
): Promise<boolean> {
  const lost = lostAttemptSet(input.lost);
  const execution = Prisma.sql`${JSON.stringify(input.execution)}::jsonb || ${lost.execution}`;
  const rows = await transition(
    q,
    {
      set: Prisma.sql`details = ${mergeExecution(execution)}${lost.set}`,
      where: Prisma.sql`${currentAttempt(action, input.staleBefore)} ${lost.where}`,
    },
    { type: "EXECUTION_RETRY", data: input.event },
  );
  return rows.length > 0;
}

/**
 * "No pending or running job for this action", read from pg-boss's own job table (`jobTable`,
 * the queue's table): created, retry and active (states <= active, the predicate of the
 * exclusive-policy index).
 */
function noLiveJob(jobs: { queue: string; table: string }): Prisma.Sql {
  const table = Prisma.raw(`pgboss.${JSON.stringify(jobs.table)}`);
  return Prisma.sql`NOT EXISTS (
    SELECT 1 FROM ${table} j
    WHERE j.name = ${jobs.queue} AND j.singleton_key = a.id::text AND j.state <= 'active')`;
}

/**
 * Across organizations on purpose (one scheduled pass recovers every tenant): actions left
 * EXECUTING, untouched since `staleBefore`, with no live job in the execution queue.
 */
export function acrossOrganizationsFindLostExecutions(
  q: Queryable,
  input: { staleBefore: Date; jobs: { queue: string; table: string }; limit: number },
): Promise<(AttemptRef & ExecutionState)[]> {
  return queryRows(
    q,
    Prisma.sql`
    SELECT a.id, a."organizationId", ${EXECUTION_STATE}
    FROM remediation_actions a
    WHERE a.status = 'EXECUTING' AND a."updatedAt" < ${input.staleBefore}::timestamptz AND ${noLiveJob(input.jobs)}
    ORDER BY a."updatedAt" LIMIT ${input.limit}`,
  );
}

/** Across organizations on purpose, as above: QUEUED actions older than `queuedBefore` with no live job. */
export function acrossOrganizationsFindJoblessQueued(
  q: Queryable,
  input: { queuedBefore: Date; jobs: { queue: string; table: string }; limit: number },
): Promise<{ id: string; organizationId: string }[]> {
  return queryRows(
    q,
    Prisma.sql`
    SELECT a.id, a."organizationId"
    FROM remediation_actions a
    WHERE a.status = 'QUEUED' AND a."updatedAt" < ${input.queuedBefore}::timestamptz AND ${noLiveJob(input.jobs)}
    ORDER BY a."updatedAt" LIMIT ${input.limit}`,
  );
}
