// What the product never does, for tests that need rows in such a state (a dead worker's stale
// row, a status written behind the transitions' back, a row deleted by hand, a report run of the
// past) or need to check an invariant from outside (a full recount). Only tests import it (a
// dependency-cruiser rule): it lives under src/server/db because all SQL does; test set-up
// otherwise goes through the stores (src/test/factories.ts).

import type pg from "pg";
import { Prisma } from "@/generated/prisma/client";
import type { ActionStatus } from "@/lib/schemas";
import { db, queryRows, requirePool } from "@/server/db/client";
import { newId, newIdSql } from "@/server/db/ids";
import { type ActionEventType, ALLOW_EVENT_PRUNING } from "@/server/db/stores/events";
import type { IncidentStatus } from "@/server/db/stores/incidents";
import { findReportRun, type ReportRunRecord } from "@/server/db/stores/report-runs";

const ids = (actionIds: readonly string[]) => Prisma.join(actionIds.map((id) => Prisma.sql`${id}::uuid`));

/** Sets "updatedAt" (an action nobody touched since), e.g. one abandoned by a dead worker an hour ago. */
export async function ageActions(organizationId: string, actionIds: readonly string[], updatedAt: Date): Promise<void> {
  await db().$executeRaw`
    UPDATE remediation_actions SET "updatedAt" = ${updatedAt}
    WHERE "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Sets "createdAt": an action requested that long ago (approval reminders are due by its age). */
export async function backdateActions(
  organizationId: string,
  actionIds: readonly string[],
  createdAt: Date,
): Promise<void> {
  await db().$executeRaw`
    UPDATE remediation_actions SET "createdAt" = ${createdAt}
    WHERE "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Writes the status directly, with no transition, event or job (the counters trigger still counts). */
export async function forceActionStatus(
  organizationId: string,
  actionIds: readonly string[],
  status: ActionStatus,
): Promise<void> {
  await db().$executeRaw`
    UPDATE remediation_actions SET status = ${status}::"ActionStatus"
    WHERE "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Deletes the actions by hand (their events go with them through the delete trigger, as retention deletes them). */
export async function deleteActions(organizationId: string, actionIds: readonly string[]): Promise<void> {
  await db().$executeRaw`
    DELETE FROM remediation_actions
    WHERE ${ALLOW_EVENT_PRUNING} AND "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Moves the organization's idempotency keys' expiry to `expiresAt` (a key that outlived its day). */
export async function expireIdempotencyKeys(organizationId: string, expiresAt: Date): Promise<void> {
  await db().$executeRaw`
    UPDATE idempotency_keys SET "expiresAt" = ${expiresAt} WHERE "organizationId" = ${organizationId}`;
}

/**
 * Sets a report run's start and completion times: a run of the past, one a dead worker left
 * running, or a finished one without a completion time. Returns the run as stored.
 */
export async function setReportRunTimes(
  organizationId: string,
  runId: string,
  times: { startedAt: Date; completedAt: Date | null },
): Promise<ReportRunRecord> {
  await db().$executeRaw`
    UPDATE report_runs SET "startedAt" = ${times.startedAt}, "completedAt" = ${times.completedAt}
    WHERE "organizationId" = ${organizationId} AND id = ${runId}::uuid`;
  const run = await findReportRun(db(), organizationId, runId);
  if (!run) throw new Error(`report run ${runId} not found`);
  return run;
}

/**
 * Every organization's action counts two ways: a full count(*) of the rows, and the counters the
 * trigger keeps (summed over stripes, zeros left out); keys "<organization>/<environment>/<status>".
 */
export async function recountActions(): Promise<{
  actual: { key: string; n: bigint }[];
  counters: { key: string; n: bigint }[];
}> {
  const actual = await db().$queryRaw<{ key: string; n: bigint }[]>`
    SELECT "organizationId" || '/' || environment || '/' || status AS key, count(*) AS n
    FROM remediation_actions GROUP BY 1 ORDER BY 1`;
  const counters = await db().$queryRaw<{ key: string; n: bigint }[]>`
    SELECT "organizationId" || '/' || environment || '/' || status AS key, sum(count) AS n
    FROM remediation_counters GROUP BY 1 HAVING sum(count) <> 0 ORDER BY 1`;
  return { actual, counters };
}

/** An incident resolved (nothing in the product resolves one yet) or created at another time. */
export async function setIncidentState(
  organizationId: string,
  incidentId: string,
  state: { status?: IncidentStatus | undefined; createdAt?: Date | undefined },
): Promise<void> {
  await db().$executeRaw`
    UPDATE incidents
    SET status = COALESCE(${state.status ?? null}::"IncidentStatus", status),
        "createdAt" = COALESCE(${state.createdAt ?? null}::timestamptz, "createdAt")
    WHERE "organizationId" = ${organizationId} AND id = ${incidentId}::uuid`;
}

/**
 * A digest of every row of every table, the application's and pg-boss's (`<schema>.<table>` →
 * `<rows>:<md5 of the rows' text>`): equal before and after a request means it wrote nothing,
 * which is what a refused request must do. pg-boss's own bookkeeping (its instance, version,
 * queue statistics and warnings, stamped by its background maintenance on its own schedule) is
 * left out; its jobs, queues and schedules are in.
 */
export async function databaseDigest(): Promise<Record<string, string>> {
  const tables = await db().$queryRaw<{ schema: string; name: string }[]>`
    SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
    WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
      AND NOT (table_schema = 'pgboss' AND table_name IN ('instance', 'version', 'queue_stats', 'warning', 'bam'))
    ORDER BY 1, 2`;
  const digest: Record<string, string> = {};
  for (const { schema, name } of tables) {
    const table = Prisma.raw(`"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`);
    const [row] = await db().$queryRaw<{ n: bigint; md5: string }[]>`
      SELECT count(*) AS n, md5(coalesce(string_agg(t::text, E'\n' ORDER BY t::text), '')) AS md5 FROM ${table} t`;
    digest[`${schema}.${name}`] = `${row?.n}:${row?.md5}`;
  }
  return digest;
}

// The database seen from outside (live-stream tests): backends, a cut connection, a busy pool.

/**
 * Backends of this file's database (other than the caller's) whose last statement was a LISTEN;
 * `application` is the connection's application_name (an app process's `name`).
 */
export async function listenBackends(): Promise<{ pid: number; query: string; application: string }[]> {
  return queryRows<{ pid: number; query: string; application: string }>(
    db(),
    Prisma.sql`
    SELECT pid, query, application_name AS application FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'
    ORDER BY pid`,
  );
}

/** Backends of this file's database other than the caller's (of one application_name, when given). */
export async function databaseBackends(application?: string): Promise<{ pid: number; query: string }[]> {
  return queryRows<{ pid: number; query: string }>(
    db(),
    Prisma.sql`
    SELECT pid, query FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND (${application ?? null}::text IS NULL OR application_name = ${application ?? null}::text)
    ORDER BY pid`,
  );
}

/** Ends a backend as a PostgreSQL restart or a network cut would (the client sees 57P01). */
export async function terminateBackend(pid: number): Promise<void> {
  await queryRows(db(), Prisma.sql`SELECT pg_terminate_backend(${pid}::int)`);
}

/**
 * Checks out every connection of this process's pool and holds them until `release()`: the
 * process's next database read waits (what a busy database does to a request). `waiting()`: how
 * many checkouts queue behind them.
 */
export async function holdPool(): Promise<{ waiting(): number; release(): Promise<void> }> {
  const pool = requirePool(db(), "holdPool");
  const held: pg.PoolClient[] = [];
  while (held.length < (pool.options.max ?? 10)) held.push(await pool.connect());
  return {
    waiting: () => pool.waitingCount,
    async release() {
      for (const client of held.splice(0)) client.release();
      // The queued checkouts run and return; wait (at most 5 s) until the pool is idle again.
      for (let waited = 0; pool.waitingCount > 0 || pool.idleCount !== pool.totalCount; waited += 10) {
        if (waited >= 5000) throw new Error("the pool did not become idle again within 5 s");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
  };
}

/** The api_tokens row's version (xmin): it changes with every UPDATE that matched the row, no-op or not. */
export async function apiTokenRowVersion(id: string): Promise<string | undefined> {
  const [row] = await queryRows<{ xmin: string }>(
    db(),
    Prisma.sql`SELECT xmin::text AS xmin FROM api_tokens WHERE id = ${id}::uuid`,
  );
  return row?.xmin;
}

/** Moves a token's last use into the past (a use more than a minute ago). */
export async function ageApiTokenUse(id: string, lastUsedAt: Date): Promise<void> {
  await queryRows(
    db(),
    Prisma.sql`UPDATE api_tokens SET "lastUsedAt" = ${lastUsedAt} WHERE id = ${id}::uuid RETURNING id`,
  );
}

/**
 * An event written at `createdAt` (a decision, reminder or escalation of the past) instead of the
 * moment it is inserted: approval-metrics tests control every time to decision to the millisecond.
 */
export async function appendEventAt(
  organizationId: string,
  event: { actionId: string; type: ActionEventType; createdAt: Date },
): Promise<void> {
  await db().$executeRaw`
    INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data, "createdAt")
    VALUES (${newId(event.createdAt)}::uuid, ${organizationId}, ${event.actionId}::uuid, ${event.type}::"ActionEventType",
            'test', '{}'::jsonb, ${event.createdAt})`;
}

/**
 * For query plans on a loaded table: a REQUESTED event for every action of the organization at
 * its request time, and an APPROVED (QUEUED actions) or REJECTED (REJECTED actions) event a
 * minute later, in one statement.
 */
export async function appendLifecycleEvents(organizationId: string): Promise<void> {
  await db().$executeRaw`
    INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data, "createdAt")
    SELECT ${newIdSql(Prisma.sql`"createdAt"`)}, "organizationId", id, 'REQUESTED'::"ActionEventType", 'u', '{}'::jsonb, "createdAt"
    FROM remediation_actions WHERE "organizationId" = ${organizationId}
    UNION ALL
    SELECT ${newIdSql(Prisma.sql`"createdAt" + interval '1 minute'`)}, "organizationId", id,
           (CASE WHEN status = 'REJECTED' THEN 'REJECTED' ELSE 'APPROVED' END)::"ActionEventType", 'u', '{}'::jsonb,
           "createdAt" + interval '1 minute'
    FROM remediation_actions WHERE "organizationId" = ${organizationId} AND status IN ('REJECTED', 'QUEUED')`;
}
