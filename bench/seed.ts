import pg from "pg";
import type { BenchConfig } from "./config";
import { sealOrganizations } from "./seal";

/** The organizations the phases use; every one is seeded with its own incidents. */
export interface BenchOrganizations {
  big: string;
  small: string;
  others: string[];
  /** One empty organization per P5 worker configuration (its requests start from zero). */
  execution: string[];
  /** P5 with the audit chain off (harness only): 1 worker, an empty organization of its own. */
  executionNoChain: string;
  /** PA: an empty organization whose pending approvals the phase creates and approves. */
  approve: string;
}

export interface SeedResult {
  organizations: BenchOrganizations;
  actions: number;
  events: number;
  incidents: number;
  seconds: number;
  /** Seconds per step, for the report (loading vs index builds vs vacuum). */
  steps: Record<string, number>;
}

/** The organizations' ids: fixed, so a kept database (`--database`) can be measured again. */
export function benchOrganizations(
  config: Pick<BenchConfig, "otherOrganizations" | "workerCounts">,
): BenchOrganizations {
  return {
    big: "bench-big",
    small: "bench-small",
    others: Array.from({ length: config.otherOrganizations }, (_, i) => `bench-other-${i + 1}`),
    execution: config.workerCounts.map((n) => `bench-exec-${n}w`),
    executionNoChain: "bench-exec-1w-nochain",
    approve: "bench-approve",
  };
}

const TABLES = ["remediation_actions", "remediation_events"] as const;
const DAYS = 90;

/** incidentId of the k-th incident of an organization: computable on both sides of the seed. */
const incidentIdSql = (org: string, k: string) => `md5(${org} || ':incident:' || (${k}))::uuid`;

/**
 * One action per `i` (0 = newest), spread evenly over 90 days. Three independent hashes of i pick
 * status (72% COMPLETED, 12% FAILED, 6% REJECTED, 10% PENDING_APPROVAL — no QUEUED/EXECUTING rows:
 * those belong to a live worker, and the reconciler would requeue them in P5), environment
 * (35% production, 30% staging, 20% qa, 15% dev), severity, action type, service and requester.
 * Details carry a decision record of the contract's shape (policy + execution or rejection).
 * Ids are time-ordered at each row's own time, as the product mints them (docs/adr/0021-time-ordered-ids.md).
 */
const ACTIONS_SQL = `
INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
  environment, severity, status, "performedBy", details, error, attempts, "createdAt", "updatedAt")
SELECT time_ordered_uuid(created), $1::text, ${incidentIdSql("$1::text", "i / $3::int")},
  (ARRAY['restart-service','scale-service','rollback-deployment','clear-cache','restart-service','scale-service'])[1 + (h3 / 10) % 6],
  jsonb_build_object('service', 'svc-' || (h2 % 40)), 'svc-' || (h2 % 40), env, sev, st, 'user-' || (h3 % 50),
  CASE st
    WHEN 'PENDING_APPROVAL' THEN jsonb_build_object('policy', jsonb_build_object('outcome', 'PENDING_APPROVAL',
      'reasons', jsonb_build_array('Environment ' || env || ' requires approval.'), 'violations', '[]'::jsonb,
      'matchedRules', jsonb_build_array('organization requireApprovalEnvironments includes ' || env)))
    WHEN 'REJECTED' THEN jsonb_build_object('policy', jsonb_build_object('outcome', 'PENDING_APPROVAL',
      'reasons', jsonb_build_array('Severity CRITICAL requires approval.'), 'violations', '[]'::jsonb, 'matchedRules', '[]'::jsonb),
      'rejection', jsonb_build_object('actor', 'user-' || (h2 % 50), 'reason', 'Rejected from remediation control center.', 'at', created + interval '2 seconds'))
    ELSE jsonb_build_object('policy', jsonb_build_object('outcome', 'QUEUED', 'reasons', '[]'::jsonb, 'violations', '[]'::jsonb, 'matchedRules', '[]'::jsonb),
      'execution', jsonb_build_object('executor', 'webhook', 'attempts', 1, 'startedAt', created + interval '100 milliseconds',
        'finishedAt', created + interval '2 seconds', 'durationMs', 1900,
        'output', CASE WHEN st = 'COMPLETED' THEN jsonb_build_object('ok', true, 'ticket', 'CHG-' || i) ELSE NULL END))
  END,
  CASE WHEN st = 'FAILED' THEN 'Executor responded 503: upstream unavailable' END,
  CASE WHEN st IN ('COMPLETED', 'FAILED') THEN 1 ELSE 0 END,
  created, CASE WHEN st = 'PENDING_APPROVAL' THEN created ELSE created + interval '2 seconds' END
FROM (
  SELECT i, h1, h2, h3,
    $4::timestamptz - make_interval(secs => ${DAYS} * 86400.0 * (i + 0.5) / $2::int) AS created,
    (CASE WHEN h1 < 720 THEN 'COMPLETED' WHEN h1 < 840 THEN 'FAILED' WHEN h1 < 900 THEN 'REJECTED'
          ELSE 'PENDING_APPROVAL' END)::"ActionStatus" AS st,
    CASE WHEN h2 % 20 < 7 THEN 'production' WHEN h2 % 20 < 13 THEN 'staging' WHEN h2 % 20 < 17 THEN 'qa' ELSE 'dev' END AS env,
    (ARRAY['LOW','LOW','LOW','MEDIUM','MEDIUM','MEDIUM','MEDIUM','HIGH','HIGH','CRITICAL'])[1 + h3 % 10]::"Severity" AS sev
  FROM (
    SELECT i, (hashint4(i)::bigint + 2147483648) % 1000 AS h1,
      (hashint4(i + 104729)::bigint + 2147483648) % 1000 AS h2,
      (hashint4(i + 1299709)::bigint + 2147483648) % 1000 AS h3
    FROM generate_series(0, $2::int - 1) AS i
  ) hashed
) s`;

const INCIDENTS_SQL = `
INSERT INTO incidents (id, "organizationId", title, "serviceName", environment, severity, status, "createdAt", "updatedAt")
SELECT ${incidentIdSql("$1::text", "k")}, $1::text, 'Incident ' || k, 'svc-' || (k % 40),
  (ARRAY['production','staging','qa','dev'])[1 + k % 4], 'HIGH', CASE WHEN k < 5 THEN 'OPEN' ELSE 'RESOLVED' END::"IncidentStatus",
  $3::timestamptz - make_interval(secs => ${DAYS} * 86400.0 * k / $2::int), $3::timestamptz
FROM generate_series(0, $2::int - 1) AS k`;

const EVENTS_SQL = `
INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data, "createdAt")
SELECT time_ordered_uuid("createdAt"), "organizationId", id, 'REQUESTED', "performedBy",
  jsonb_build_object('status', CASE WHEN details->'policy'->>'outcome' = 'PENDING_APPROVAL' THEN 'PENDING_APPROVAL' ELSE 'QUEUED' END,
    'reasons', details->'policy'->'reasons', 'violations', '[]'::jsonb),
  "createdAt"
FROM remediation_actions WHERE "organizationId" = $1`;

/**
 * The decision that ended each seeded REJECTED action's PENDING_APPROVAL: a REJECTED event at its
 * `details.rejection.at` (the request + 2 s). What the approval metrics read (6% of the actions:
 * ~4,700 decisions in the big organization's last 7 days, ~47 in the small one's).
 */
const DECISION_EVENTS_SQL = `
INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, data, "createdAt")
SELECT time_ordered_uuid("updatedAt"), "organizationId", id, 'REJECTED', details->'rejection'->>'actor',
  jsonb_build_object('reason', details->'rejection'->>'reason'), "updatedAt"
FROM remediation_actions WHERE "organizationId" = $1 AND status = 'REJECTED'`;

/** Runs `tasks` on at most `pool`'s size of connections at once (the two cores). */
async function inParallel(pool: pg.Pool, tasks: ((client: pg.PoolClient) => Promise<unknown>)[]): Promise<void> {
  const queue = [...tasks];
  const lanes = Array.from({ length: 2 }, async () => {
    for (let task = queue.shift(); task; task = queue.shift()) {
      const client = await pool.connect();
      try {
        await task(client);
      } finally {
        client.release();
      }
    }
  });
  await Promise.all(lanes);
}

interface Schema {
  constraints: { table: string; name: string; def: string; type: "p" | "f" }[];
  indexes: { name: string; def: string }[];
}

async function readSchema(client: pg.ClientBase): Promise<Schema> {
  const constraints = await client.query<Schema["constraints"][number]>(
    `SELECT conrelid::regclass::text AS table, conname AS name, pg_get_constraintdef(oid) AS def, contype AS type
     FROM pg_constraint WHERE contype IN ('p', 'f') AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))
     ORDER BY contype DESC, conname`,
    [TABLES],
  );
  const indexes = await client.query<Schema["indexes"][number]>(
    `SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS def FROM pg_index
     WHERE indrelid = ANY($1::regclass[]) AND NOT indisprimary ORDER BY 1`,
    [TABLES],
  );
  return { constraints: constraints.rows, indexes: indexes.rows };
}

const sameSchema = (a: Schema, b: Schema) =>
  JSON.stringify([...a.constraints].sort((x, y) => x.name.localeCompare(y.name))) ===
    JSON.stringify([...b.constraints].sort((x, y) => x.name.localeCompare(y.name))) &&
  JSON.stringify(a.indexes) === JSON.stringify(b.indexes);

/**
 * Bulk seed in SQL (INSERT … SELECT generate_series, no ORM): the two big tables' keys,
 * foreign keys and indexes are dropped for the load and re-created from their own catalog
 * definitions afterwards (checked identical), the counter triggers are disabled for the load and
 * the counters rebuilt with one GROUP BY, then VACUUM ANALYZE, as autovacuum would have done on
 * a table that grew over 90 days.
 */
export async function seedBenchDatabase(
  url: string,
  config: BenchConfig,
  log: (m: string) => void,
): Promise<SeedResult> {
  const started = performance.now();
  const steps: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    steps[name] = Math.round((performance.now() - t) / 100) / 10;
    log(`seed: ${name} ${steps[name]} s`);
  };
  const organizations = benchOrganizations(config);
  const sized: [string, number][] = [
    [organizations.big, config.bigRows],
    ...organizations.others.map((o): [string, number] => [o, config.otherRows]),
    [organizations.small, config.smallRows],
  ];
  const empty = [...organizations.execution, organizations.executionNoChain, organizations.approve];
  const all = [...sized.map(([o]) => o), ...empty];
  const now = new Date();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on("connect", (client) => {
    client.query(
      "SET synchronous_commit = off; SET maintenance_work_mem = '512MB'; SET max_parallel_maintenance_workers = 0",
    );
  });
  const admin = await pool.connect();
  try {
    const schema = await readSchema(admin);
    await step("organizations and incidents", async () => {
      await admin.query(`INSERT INTO organizations (id, name) SELECT o, o FROM unnest($1::text[]) AS o`, [all]);
      // Retention far away for every organization: the 03:00 schedule must not purge during a run;
      // P4 sets the big organization's retention through the API.
      await admin.query(
        `INSERT INTO reporting_settings ("organizationId", "retentionDays", "updatedAt") SELECT o, 3650, now() FROM unnest($1::text[]) AS o`,
        [all],
      );
      for (const [org, rows] of sized) {
        await admin.query(INCIDENTS_SQL, [org, Math.ceil(rows / config.actionsPerIncident), now]);
      }
      for (const org of empty) await admin.query(INCIDENTS_SQL, [org, 1, now]);
    });
    await step("drop keys and indexes", async () => {
      await admin.query("BEGIN");
      for (const c of schema.constraints.filter((c) => c.type === "f")) {
        await admin.query(`ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`);
      }
      for (const c of schema.constraints.filter((c) => c.type === "p" && TABLES.includes(c.table as never))) {
        await admin.query(`ALTER TABLE ${c.table} DROP CONSTRAINT "${c.name}"`);
      }
      for (const i of schema.indexes) await admin.query(`DROP INDEX ${i.name}`);
      await admin.query("ALTER TABLE remediation_actions DISABLE TRIGGER remediation_counters_insert");
      await admin.query("COMMIT");
    });
    await step("actions", () =>
      inParallel(
        pool,
        sized.map(
          ([org, rows]) =>
            (c) =>
              c.query(ACTIONS_SQL, [org, rows, config.actionsPerIncident, now]),
        ),
      ),
    );
    await step("events", () =>
      inParallel(
        pool,
        sized.map(([org]) => async (c) => {
          await c.query(EVENTS_SQL, [org]);
          await c.query(DECISION_EVENTS_SQL, [org]);
        }),
      ),
    );
    // Sealed before anything is measured, or the first P5 worker would seal 1.91M events during
    // P5 (bench/seal.ts); the update leaves a dead copy of every event, which VACUUM FULL drops
    // before the indexes are built.
    await step("seal audit chain", () =>
      sealOrganizations(
        url,
        sized.map(([o]) => o),
      ),
    );
    await step("vacuum full events", () => admin.query("VACUUM FULL remediation_events"));
    await step("keys and indexes", async () => {
      const primary = schema.constraints.filter((c) => c.type === "p" && TABLES.includes(c.table as never));
      await inParallel(pool, [
        ...primary.map(
          (c) => (cl: pg.PoolClient) => cl.query(`ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.def}`),
        ),
        ...schema.indexes.map((i) => (cl: pg.PoolClient) => cl.query(i.def)),
      ]);
      for (const c of schema.constraints.filter((c) => c.type === "f")) {
        await admin.query(`ALTER TABLE ${c.table} ADD CONSTRAINT "${c.name}" ${c.def}`);
      }
      if (!sameSchema(schema, await readSchema(admin))) throw new Error("seed: keys/indexes differ after the rebuild");
    });
    await step("counters", async () => {
      await admin.query("BEGIN");
      await admin.query(`DELETE FROM remediation_counters`);
      // All into stripe 0: the trigger's stripes only spread concurrent writes; readers sum them.
      await admin.query(`INSERT INTO remediation_counters ("organizationId", environment, status, stripe, count)
        SELECT "organizationId", environment, status, 0, count(*) FROM remediation_actions GROUP BY 1, 2, 3`);
      await admin.query("ALTER TABLE remediation_actions ENABLE TRIGGER remediation_counters_insert");
      await admin.query("COMMIT");
    });
    await step("vacuum analyze", () =>
      inParallel(pool, [
        (c) => c.query("VACUUM (ANALYZE) remediation_actions"),
        (c) => c.query("VACUUM (ANALYZE) remediation_events"),
        (c) =>
          c.query(
            "VACUUM (ANALYZE) incidents, remediation_counters, organizations, reporting_settings, approval_decisions",
          ),
      ]),
    );
    // Flush the load's dirty pages now rather than in a checkpoint during the measurements
    // (needs pg_checkpoint or superuser; without it the server's own schedule applies).
    await admin.query("CHECKPOINT").catch(() => {});
    const counts = await admin.query<{
      actions: string;
      events: string;
      unsealed: string;
      incidents: string;
      drift: string;
    }>(
      `SELECT (SELECT count(*) FROM remediation_actions) AS actions, (SELECT count(*) FROM remediation_events) AS events,
              (SELECT count(*) FROM remediation_events WHERE seq IS NULL) AS unsealed,
              (SELECT count(*) FROM incidents) AS incidents,
              (SELECT count(*) FROM (SELECT "organizationId", environment, status, count(*) AS n FROM remediation_actions GROUP BY 1, 2, 3) a
                 FULL JOIN (SELECT "organizationId", environment, status, sum(count) AS count FROM remediation_counters GROUP BY 1, 2, 3) c
                 USING ("organizationId", environment, status) WHERE a.n IS DISTINCT FROM c.count) AS drift`,
    );
    const row = counts.rows[0]!;
    if (Number(row.drift) !== 0) throw new Error(`seed: ${row.drift} counter rows differ from the actions`);
    if (Number(row.unsealed) !== 0) throw new Error(`seed: ${row.unsealed} events left unsealed`);
    return {
      organizations,
      actions: Number(row.actions),
      events: Number(row.events),
      incidents: Number(row.incidents),
      seconds: Math.round((performance.now() - started) / 100) / 10,
      steps,
    };
  } catch (error) {
    await admin.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    admin.release();
    await pool.end();
  }
}
