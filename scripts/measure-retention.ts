import { randomBytes } from "node:crypto";
import pg from "pg";
import { db, disconnectDb } from "@/server/db/client";
import { migrateDatabase, pgConfigFromUrl, queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";
import { orgScope } from "@/server/db/scoped";
import { setEnv } from "@/server/env";
import { enforceRetention } from "@/server/reporting/enforce-retention";

// `npx tsx scripts/measure-retention.ts` — times retention over ROWS eligible actions (default
// 500,000, each with one event) in a throwaway database, while an operator-like probe keeps
// reading the actions list and writing (insert + complete an action) in the same organization.
// MEASURE_DATABASE_URL picks the server (default postgresql://postgres@127.0.0.1:5432/postgres).
// The database is dropped afterwards, whatever happens.

const SERVER = process.env.MEASURE_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const ROWS = Number(process.env.ROWS ?? 500_000);
const KEPT = Math.round(ROWS / 10);
const ORG = "org_measure";
const OTHER = "org_bystander";

async function seed(client: pg.Client): Promise<void> {
  await client.query(`INSERT INTO organizations (id, name) VALUES ($1, 'Measure'), ($2, 'Bystander')`, [ORG, OTHER]);
  await client.query(
    `INSERT INTO reporting_settings ("organizationId", "retentionDays", "updatedAt") VALUES ($1, 30, now())`,
    [ORG],
  );
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO incidents (id, "organizationId", title, "serviceName", environment, severity, "updatedAt")
     VALUES (gen_random_uuid(), $1, 'load', 'api', 'production', 'HIGH', now()), (gen_random_uuid(), $2, 'load', 'api', 'production', 'HIGH', now())
     RETURNING id`,
    [ORG, OTHER],
  );
  const [incident, otherIncident] = rows.map((r) => r.id);
  const insert = (org: string, incidentId: string, count: number, status: string, age: string) =>
    client.query(
      `INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
         environment, severity, status, "performedBy", details, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, $2::uuid, 'restart-service', '{"service":"api"}', 'api',
         CASE WHEN i % 3 = 0 THEN 'staging' ELSE 'production' END, 'HIGH', (${status})::"ActionStatus", 'user-1',
         '{"execution":{"executor":"simulated","attempts":1}}', ${age}, ${age}
       FROM generate_series(1, $3::int) AS i`,
      [org, incidentId, count],
    );
  const terminal = `(ARRAY['COMPLETED','FAILED','REJECTED'])[1 + i % 3]`;
  const active = `(ARRAY['PENDING_APPROVAL','QUEUED','EXECUTING'])[1 + i % 3]`;
  // Eligible: terminal, created 31..~400 days ago.
  await insert(ORG, incident!, ROWS, terminal, `now() - interval '31 days' - (i % 31000000) * interval '1 second'`);
  // Not eligible: active however old, terminal but recent; another organization's old rows.
  await insert(ORG, incident!, KEPT, active, `now() - interval '200 days' - i * interval '1 second'`);
  await insert(ORG, incident!, KEPT, terminal, `now() - interval '1 day' - i * interval '1 second'`);
  await insert(OTHER, otherIncident!, KEPT, terminal, `now() - interval '300 days' - i * interval '1 second'`);
  await client.query(
    `INSERT INTO remediation_events (id, "organizationId", "actionId", type, actor, "createdAt")
     SELECT gen_random_uuid(), "organizationId", id, 'REQUESTED', 'user-1', "createdAt" FROM remediation_actions`,
  );
  await client.query("VACUUM ANALYZE");
}

/** What an operator does meanwhile: read the newest actions and stats; request and finish an action. */
async function probe(url: string, incidentId: string, stop: { done: boolean }) {
  const client = new pg.Client(pgConfigFromUrl(url));
  await client.connect();
  const worst = { readMs: 0, writeMs: 0, reads: 0, writes: 0 };
  try {
    while (!stop.done) {
      let t = performance.now();
      await client.query(
        `SELECT * FROM remediation_actions WHERE "organizationId" = $1 ORDER BY "createdAt" DESC, id DESC LIMIT 50`,
        [ORG],
      );
      await client.query(`SELECT status, sum(count) FROM remediation_counters WHERE "organizationId" = $1 GROUP BY 1`, [
        ORG,
      ]);
      worst.readMs = Math.max(worst.readMs, performance.now() - t);
      worst.reads += 1;
      t = performance.now();
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", environment, severity, status, "performedBy", "updatedAt")
         VALUES (gen_random_uuid(), $1, $2, 'restart-service', 'production', 'HIGH', 'QUEUED', 'probe', now()) RETURNING id`,
        [ORG, incidentId],
      );
      await client.query(`UPDATE remediation_actions SET status = 'COMPLETED' WHERE id = $1`, [rows[0]?.id]);
      worst.writeMs = Math.max(worst.writeMs, performance.now() - t);
      worst.writes += 1;
    }
  } finally {
    await client.end();
  }
  return worst;
}

async function main(): Promise<void> {
  const database = `rcc_measure_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(SERVER, database);
  await queryServer(SERVER, `CREATE DATABASE ${quoteIdent(database)}`);
  try {
    await migrateDatabase(url);
    setEnv({ DATABASE_URL: url });
    const client = new pg.Client(pgConfigFromUrl(url));
    await client.connect();
    let t = performance.now();
    await seed(client);
    console.log(
      `seeded ${ROWS} eligible + ${3 * KEPT} other actions (one event each) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    const incident = (await client.query<{ id: string }>(`SELECT id FROM incidents WHERE "organizationId" = $1`, [ORG]))
      .rows[0]!.id;

    const stop = { done: false };
    const probing = probe(url, incident, stop);
    const batches: number[] = [];
    t = performance.now();
    const result = await enforceRetention({ db: db(), scope: orgScope(ORG) }, { onBatch: (b) => batches.push(b.ms) });
    const totalMs = performance.now() - t;
    stop.done = true;
    const worst = await probing;

    const mismatched = await client.query(
      `SELECT * FROM (SELECT "organizationId", environment, status, count(*) AS n FROM remediation_actions GROUP BY 1, 2, 3) a
       FULL JOIN (SELECT "organizationId", environment, status, sum(count) AS count FROM remediation_counters
                  GROUP BY 1, 2, 3 HAVING sum(count) <> 0) c USING ("organizationId", environment, status)
       WHERE a.n IS DISTINCT FROM c.count`,
    );
    const orphans = await client.query(
      `SELECT count(*)::int AS n FROM remediation_events e WHERE NOT EXISTS (SELECT 1 FROM remediation_actions a WHERE a.id = e."actionId")`,
    );
    await client.end();
    const sorted = [...batches].sort((a, b) => a - b);
    console.log(
      JSON.stringify(
        {
          eligibleRows: ROWS,
          deletedCount: result.deletedCount,
          totalSeconds: +(totalMs / 1000).toFixed(2),
          statements: batches.length,
          longestStatementMs: +(sorted.at(-1) ?? 0).toFixed(1),
          medianStatementMs: +(sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(1),
          concurrentOperator: {
            reads: worst.reads,
            worstReadMs: +worst.readMs.toFixed(1),
            writes: worst.writes,
            worstWriteMs: +worst.writeMs.toFixed(1),
          },
          countersExact: mismatched.rowCount === 0,
          orphanEvents: orphans.rows[0]?.n,
        },
        null,
        2,
      ),
    );
  } finally {
    await disconnectDb();
    await queryServer(SERVER, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
