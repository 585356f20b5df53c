import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "@/generated/prisma/client";
import { env } from "@/server/env";

export type Db = PrismaClient;

/**
 * Each client's pg pool: Prisma's driver adapter runs on it, and so do the hot raw reads. Kept on
 * globalThis like the client itself: Next's server bundle and the custom server load this module
 * as two instances that share the one client.
 */
const shared = globalThis as unknown as { __rccPools?: WeakMap<object, pg.Pool> };
shared.__rccPools ??= new WeakMap();
const pools = shared.__rccPools;

export function createPrismaClient(connectionString: string, max = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString, max });
  // An idle connection dropped by the server is not a crash (Prisma adds its own listener only
  // once its adapter connects; the raw reads may use the pool before that).
  pool.on("error", () => {});
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(client, pool);
  return client;
}

/** The pool of a process client, for work that needs a connection of its own (`what` names it). */
export function requirePool(db: Db, what: string): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error(`${what} needs a client made by createPrismaClient`);
  return pool;
}

/**
 * The one transaction type: BEGIN … COMMIT on one connection of the process pool (see
 * `transaction`). Every store method that writes accepts it, so a transition, its event, its
 * counter update and its job insert are visibly one unit. Why raw pg and not Prisma's
 * interactive transactions: docs/adr/0001-raw-pg-on-hot-paths.md.
 */
export interface Tx {
  readonly client: pg.PoolClient;
}

/** Where a store statement runs: the process client (autocommit, its pool) or a transaction. */
export type Queryable = Db | Tx;

/**
 * Rows of one statement (`Prisma.Sql`, `$n` placeholders), straight on pg: in a `Tx` on its
 * connection, otherwise on the process client's pool. Prisma's raw-query path (request
 * serialisation, the query engine's interpreter, per-value normalisation) cost more CPU than
 * PostgreSQL did for a 50-row page (docs/adr/0001-raw-pg-on-hot-paths.md). Unlike `$queryRaw`,
 * int8/numeric arrive as strings: stores cast counts to int or use Number(). For stores only.
 */
export async function queryRows<T>(q: Queryable, query: Prisma.Sql): Promise<T[]> {
  const runner = "client" in q ? q.client : requirePool(q, "queryRows");
  return (await runner.query<T & pg.QueryResultRow>(query.text, query.values)).rows;
}

/** Rows affected by one statement (DELETE/UPDATE without RETURNING). For stores only. */
export async function execute(q: Queryable, query: Prisma.Sql): Promise<number> {
  const runner = "client" in q ? q.client : requirePool(q, "execute");
  return (await runner.query(query.text, query.values)).rowCount ?? 0;
}

/**
 * Runs `fn` in one transaction on one pooled connection. Like Prisma's (20 s timeout), a
 * transaction left idle by a stuck caller is ended by the server. Rolls back when `fn` throws;
 * discards the connection if even the ROLLBACK fails.
 */
export async function transaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await requirePool(db, "transaction").connect();
  let broken: Error | undefined;
  try {
    // One round trip: simple-protocol statements may be sent together.
    await client.query("BEGIN; SET LOCAL idle_in_transaction_session_timeout = '20s'");
    const result = await fn({ client });
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch((rollbackErr: Error) => {
      broken = rollbackErr;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

const globalForPrisma = globalThis as unknown as { __rccPrisma?: PrismaClient };

/**
 * The process-wide client. DATABASE_URL is always set by the time app code runs: the start
 * script, the worker and the test setup resolve it first (embedded PostgreSQL when unset).
 */
export function db(): PrismaClient {
  if (!globalForPrisma.__rccPrisma) {
    const { DATABASE_URL: url, DATABASE_POOL_SIZE: poolSize } = env();
    if (!url) throw new Error("DATABASE_URL is not set (start through npm start / npm run worker)");
    globalForPrisma.__rccPrisma = createPrismaClient(url, poolSize);
  }
  return globalForPrisma.__rccPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = globalForPrisma.__rccPrisma;
  globalForPrisma.__rccPrisma = undefined;
  if (!client) return;
  await client.$disconnect();
  // Prisma ends the pool only if its adapter ever connected; raw reads alone don't connect it.
  const pool = pools.get(client);
  if (pool && !pool.ended) await pool.end();
}
