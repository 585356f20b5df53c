import type pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows, transaction } from "@/server/db/client";
import { env } from "@/server/env";
import { senderBoss, stopSenderBoss } from "@/server/jobs/boss";
import { bossExecutor } from "@/server/jobs/tx-executor";
import { MAX_PREPARED_PER_CONNECTION, PreparingClient, preparedStatementName } from "./preparing-client";

// Prepared statements on the execution path (docs/adr/0026-prepared-statements-on-the-execution-path.md).
const PREPARED = "SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'rcc\\_%' ORDER BY name";

async function withClient<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new PreparingClient({ connectionString: env().DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe("PreparingClient", () => {
  it("prepares a parameterised text once per connection and answers it like an unnamed one", async () => {
    await withClient(async (client) => {
      const text = "SELECT $1::int + 1 AS n";
      expect((await client.query(text, [1])).rows).toEqual([{ n: 2 }]);
      expect((await client.query(text, [41])).rows).toEqual([{ n: 42 }]);
      expect((await client.query(PREPARED)).rows).toEqual([{ name: preparedStatementName(text), statement: text }]);
    });
  });

  it("leaves statements without parameters unnamed, so several commands in one text still run", async () => {
    await withClient(async (client) => {
      await client.query("SELECT 1; SELECT 2");
      await client.query("SELECT 3", []);
      expect((await client.query(PREPARED)).rows).toEqual([]);
    });
  });

  it("keeps at most MAX_PREPARED_PER_CONNECTION names; later texts still run, unnamed", async () => {
    await withClient(async (client) => {
      for (let i = 0; i <= MAX_PREPARED_PER_CONNECTION; i++) {
        expect((await client.query(`SELECT $1::int AS n, ${i} AS i`, [i])).rows).toEqual([{ n: i, i }]);
      }
      expect((await client.query(PREPARED)).rows).toHaveLength(MAX_PREPARED_PER_CONNECTION);
    });
  });
});

describe("prepared statements in the product", () => {
  afterAll(() => stopSenderBoss());

  it("pg-boss's own pool makes its connections with PreparingClient", async () => {
    const boss = await senderBoss();
    // Parameterised, so on a PreparingClient it is itself prepared on whichever connection runs it.
    const text = "SELECT name FROM pg_prepared_statements WHERE $1::int = 1";
    const { rows } = await boss.getDb().executeSql(text, [1]);
    expect(rows).toContainEqual({ name: preparedStatementName(text) });
  });

  it("pg-boss's statements on our transaction and the stores' opted-in statements are prepared", async () => {
    const seen = await transaction(db(), async (tx) => {
      const text = "SELECT $1::int AS n";
      await bossExecutor(tx).executeSql(text, [1]);
      await queryRows(tx, Prisma.sql`SELECT ${2}::int AS m`, { prepared: true });
      await queryRows(tx, Prisma.sql`SELECT ${3}::int AS unnamed`);
      const rows = await queryRows<{ statement: string }>(
        tx,
        Prisma.raw("SELECT statement FROM pg_prepared_statements"),
      );
      return rows.map((r) => r.statement);
    });
    expect(seen).toContain("SELECT $1::int AS n");
    expect(seen).toContain("SELECT $1::int AS m");
    expect(seen).not.toContain("SELECT $1::int AS unnamed");
  });
});
