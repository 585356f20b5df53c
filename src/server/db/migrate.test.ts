import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { findRepoRoot } from "@/server/data-files";
import { db } from "@/server/db/client";
import {
  defaultMigrationsDir,
  ensureDatabaseExists,
  migrateDatabase,
  queryServer,
  quoteIdent,
  withDatabase,
} from "@/server/db/migrate";
import { ALLOW_EVENT_PRUNING } from "@/server/db/stores/events";
import { createAction, createActions, createIncident, createOrganization } from "@/test/factories";

const root = findRepoRoot();
const folders = readdirSync(defaultMigrationsDir(), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const created: string[] = [];
function scratchDatabaseUrl(): string {
  // Named after this file's database so a crashed run's leftovers are swept with it.
  const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_${created.length}`;
  created.push(name);
  return withDatabase(process.env.DATABASE_URL!, name);
}

afterAll(async () => {
  for (const name of created) {
    await queryServer(process.env.DATABASE_URL!, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("migrateDatabase", () => {
  it("applies every folder once, then nothing, recording them as the Prisma CLI does", async () => {
    const url = scratchDatabaseUrl();
    await Promise.all([ensureDatabaseExists(url), ensureDatabaseExists(url)]);

    expect((await migrateDatabase(url)).applied).toEqual(folders);
    expect((await migrateDatabase(url)).applied).toEqual([]);

    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      url,
      "SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY 1",
    );
    expect(rows.map((row) => row.migration_name)).toEqual(folders);
    for (const row of rows) {
      expect(row.finished_at).toBeInstanceOf(Date);
      const script = readFileSync(path.join(defaultMigrationsDir(), row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(script).digest("hex"));
    }
  });

  it("lets two processes migrate the same new database at once", async () => {
    const url = scratchDatabaseUrl();
    const runs = await Promise.all([1, 2].map(() => run("npx", ["tsx", "scripts/migrate.ts"], { DATABASE_URL: url })));

    for (const { code, output } of runs) expect(code, output).toBe(0);
    const rows = await query<{ migration_name: string }>(
      url,
      "SELECT migration_name FROM _prisma_migrations ORDER BY 1",
    );
    expect(rows.map((row) => row.migration_name)).toEqual(folders);
    const tables = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tablename = 'remediation_actions'",
    );
    expect(tables[0]?.n).toBe(1);
  });

  it("leaves nothing for db:new-migration to generate", async () => {
    const { code, output } = await run("npx", ["tsx", "scripts/new-migration.ts", "drift_check"], {});
    expect(code, output).toBe(0);
    expect(output).toContain("no changes");
  });
});

describe("remediation_counters trigger", () => {
  type Key = { organizationId: string; environment: string; status: string; n: number };
  const keyOf = (row: Key) => `${row.environment}/${row.status}=${row.n}`;

  async function countsFor(organizationId: string): Promise<{ actual: string[]; counters: string[] }> {
    const actual = await db().$queryRaw<Key[]>`
      SELECT "organizationId", environment, status::text, count(*)::int AS n FROM remediation_actions
      WHERE "organizationId" = ${organizationId} GROUP BY 1, 2, 3 ORDER BY 2, 3`;
    const counters = await db().$queryRaw<Key[]>`
      SELECT "organizationId", environment, status::text, sum(count)::int AS n FROM remediation_counters
      WHERE "organizationId" = ${organizationId} GROUP BY 1, 2, 3 HAVING sum(count) <> 0 ORDER BY 2, 3`;
    return { actual: actual.map(keyOf), counters: counters.map(keyOf) };
  }

  it("stays exact when an action is counted by one backend and moved or deleted by others (stripe = writer's pid)", async () => {
    const organizationId = await createOrganization("counter-backends");
    const incidentId = await createIncident(organizationId, { title: "disk full", serviceName: "api" });
    const base = { incidentId, actionType: "restart", parameters: {}, serviceName: null, severity: "HIGH" } as const;
    const ids = await Promise.all(
      Array.from({ length: 4 }, () =>
        createAction(organizationId, { ...base, environment: "staging", status: "QUEUED", performedBy: "t" }),
      ),
    );
    const connect = async () => {
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      return c;
    };
    const [a, b] = [await connect(), await connect()];
    try {
      // Two backends whose pids differ in the low four bits write different stripes.
      const pids = [a, b].map((c) => (c as unknown as { processID: number }).processID & 15);
      await a.query(`UPDATE remediation_actions SET status = 'EXECUTING' WHERE id = ANY($1::uuid[])`, [ids]);
      await b.query(`UPDATE remediation_actions SET status = 'COMPLETED' WHERE id = ANY($1::uuid[])`, [
        ids.slice(0, 3),
      ]);
      await b.query(`DELETE FROM remediation_actions WHERE ${ALLOW_EVENT_PRUNING.text} AND id = $1::uuid`, [ids[0]]);
      const counts = await countsFor(organizationId);
      expect(counts.counters).toEqual(counts.actual);
      expect(counts.actual).toEqual(["staging/COMPLETED=2", "staging/EXECUTING=1"]);
      const stripes = await db().$queryRaw<{ stripe: number; status: string; count: number }[]>`
        SELECT stripe::int, status::text, count::int FROM remediation_counters
        WHERE "organizationId" = ${organizationId} AND count <> 0 ORDER BY stripe, status`;
      if (pids[0] !== pids[1]) {
        // a moved 4 into EXECUTING in its stripe, b 3 out of EXECUTING in its own: −3 there.
        expect(stripes).toContainEqual({ stripe: pids[1], status: "EXECUTING", count: -3 });
        expect(stripes).toContainEqual({ stripe: pids[0], status: "EXECUTING", count: 4 });
      }
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it("stays exact through inserts, key updates, other updates and a batched delete", async () => {
    const client = db();
    const organizationId = await createOrganization("counters");
    const incidentId = await createIncident(organizationId, { title: "disk full", serviceName: "api" });
    const base = { incidentId, actionType: "restart", parameters: {}, serviceName: null, severity: "HIGH" } as const;

    await createAction(organizationId, { ...base, environment: "staging", status: "QUEUED", performedBy: "t" });
    // 10,000 rows in multi-row statements (the factory inserts in chunks of 5,000).
    await createActions(organizationId, {
      ...base,
      count: 10_000,
      performedBy: "bulk",
      each: (index) => {
        const i = index + 1;
        return {
          environment: i % 3 === 0 ? "staging" : "production",
          status: i % 2 === 0 ? "QUEUED" : "PENDING_APPROVAL",
        };
      },
    });
    let counts = await countsFor(organizationId);
    expect(counts.counters).toEqual(counts.actual);

    await client.remediationAction.updateMany({
      where: { organizationId, status: "QUEUED", environment: "production" },
      data: { status: "COMPLETED" },
    });
    await client.remediationAction.updateMany({
      where: { organizationId, performedBy: "t" },
      data: { environment: "dev" },
    });
    await client.remediationAction.updateMany({ where: { organizationId }, data: { attempts: { increment: 1 } } });
    counts = await countsFor(organizationId);
    expect(counts.counters).toEqual(counts.actual);

    const groupsTouched = await client.$transaction(async (tx) => {
      // Since PostgreSQL 15 the xact view can include earlier, unflushed transactions: diff it.
      const counterWrites = async () =>
        (
          await tx.$queryRaw<{ writes: number }[]>`
            SELECT (n_tup_ins + n_tup_upd)::int AS writes FROM pg_stat_xact_user_tables
            WHERE relname = 'remediation_counters'`
        )[0]?.writes ?? 0;
      const [{ groups } = { groups: -1 }] = await tx.$queryRaw<{ groups: number }[]>`
        SELECT count(DISTINCT (environment, status))::int AS groups
        FROM remediation_actions WHERE "organizationId" = ${organizationId} AND "performedBy" = 'bulk'`;
      const before = await counterWrites();
      // As retention deletes: the events' append-only trigger lets only this statement delete them with their actions.
      await tx.$executeRaw`
        DELETE FROM remediation_actions
        WHERE ${ALLOW_EVENT_PRUNING} AND "organizationId" = ${organizationId} AND "performedBy" = 'bulk'`;
      return { writes: (await counterWrites()) - before, groups };
    });
    // 10,000 deleted rows span 4 (environment, status) groups: one counter write per group (in
    // this backend's stripe), not one per row.
    expect(groupsTouched.groups).toBe(4);
    expect(groupsTouched.writes).toBe(groupsTouched.groups);
    counts = await countsFor(organizationId);
    expect(counts.counters).toEqual(counts.actual);
    expect(counts.actual).toEqual(["dev/QUEUED=1"]);
  });
});
