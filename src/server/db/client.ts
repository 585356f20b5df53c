import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "@/generated/prisma/client";

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => ...)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

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

/** The pg pool under a process client; undefined for a transaction client. */
export function poolOf(db: Tx): pg.Pool | undefined {
  return pools.get(db);
}

/** The pool of a process client, for work that needs a connection of its own (`what` names it). */
export function requirePool(db: Tx, what: string): pg.Pool {
  const pool = pools.get(db);
  if (!pool) throw new Error(`${what} needs a process client (createPrismaClient), not a transaction client`);
  return pool;
}

/** A transaction on one connection of the client's pg pool (see `withPgTransaction`). */
export interface PgTx {
  client: pg.PoolClient;
}

/**
 * Rows of one raw statement (`Prisma.Sql`, `$n` placeholders): the hot reads, export batches
 * and the execution transitions. On a process client it runs straight on the client's pg pool:
 * Prisma's raw-query path (request serialisation, the query engine's interpreter, per-value
 * normalisation) cost more CPU than PostgreSQL did for a 50-row page (bench P2/P3/P5). In a
 * `PgTx` it runs on that transaction's connection; in a Prisma transaction (a `Tx` with no pool
 * of its own) through `$queryRaw`, so it sees the transaction. Difference from `$queryRaw` the
 * callers handle: int8/numeric arrive as strings from pg (cast counts to int, or use Number()).
 */
export async function queryRows<T>(db: Tx | PgTx, query: Prisma.Sql): Promise<T[]> {
  if ("client" in db) return (await db.client.query<T & pg.QueryResultRow>(query.text, query.values)).rows;
  const pool = poolOf(db);
  if (!pool) return db.$queryRaw<T[]>(query);
  return (await pool.query<T & pg.QueryResultRow>(query.text, query.values)).rows;
}

/**
 * BEGIN … COMMIT on one pooled connection, for the hot write paths: a Prisma interactive
 * transaction costs the query engine's CPU on every statement plus its own bookkeeping, which
 * was most of the app's share of a queued request (bench P5). Like Prisma's (20 s timeout), a
 * transaction left idle by a stuck caller is ended by the server. Rolls back when `fn` throws;
 * discards the connection if even the ROLLBACK fails.
 */
export async function withPgTransaction<T>(db: Db, fn: (tx: PgTx) => Promise<T>): Promise<T> {
  const client = await requirePool(db, "withPgTransaction").connect();
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
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (start through npm start / npm run worker)");
    globalForPrisma.__rccPrisma = createPrismaClient(url, Number(process.env.DATABASE_POOL_SIZE ?? 10));
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
