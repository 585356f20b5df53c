import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { type Prisma, PrismaClient } from "@/generated/prisma/client";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { preparedStatementName } from "./preparing-client";

export type Db = PrismaClient;

/**
 * Each client's pg pool: Prisma's driver adapter runs on it, and so do the hot raw reads. Kept on
 * globalThis like the client itself: Next's server bundle and the custom server load this module
 * as two instances that share the one client.
 */
const shared = globalThis as unknown as { __rccPools?: WeakMap<object, pg.Pool> };
shared.__rccPools ??= new WeakMap();
const pools = shared.__rccPools;

/**
 * PostgreSQL restarting, or dropping a connection, must never become an uncaught exception (pg
 * emits 'error' on a client whose connection fails; unheard, that ends the process). pg-pool
 * listens to its clients only while they are idle, so every client handed out (a `transaction`,
 * a COPY export, pg-boss's SQL on our transaction) gets this listener until it comes back. The
 * statement in flight rejects with the same error and reaches its caller; a client that comes
 * back broken is discarded by the pool (it is no longer queryable), and the next checkout
 * connects anew, so requests succeed again as soon as the server is back.
 */
function onCheckedOutConnectionError(err: Error): void {
  logger().warn({ err: describeConnectionError(err) }, "database connection lost while in use");
}

function onIdleConnectionError(err: Error): void {
  logger().warn({ err: describeConnectionError(err) }, "idle database connection closed");
}

function describeConnectionError(err: Error): { message: string; code?: string } {
  const code = (err as { code?: unknown }).code;
  return { message: err.message, ...(typeof code === "string" ? { code } : {}) };
}

/** Gives every connection of `pool` an error listener, idle or checked out (see above). */
function guardPoolConnections(pool: pg.Pool): void {
  pool.on("error", onIdleConnectionError);
  pool.on("acquire", (client) => client.on("error", onCheckedOutConnectionError));
  pool.on("release", (_err, client) => client.removeListener("error", onCheckedOutConnectionError));
}

/**
 * A lost or refused database connection (the server restarting, stopped, or unreachable), as
 * opposed to an error of the statement itself. pg-boss reports some errors as plain objects
 * (`{ ...error, message }`), so any value with a `code` or `message` is looked at.
 */
export function isConnectionError(err: unknown): boolean {
  if (!err || typeof err !== "object") return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    // Class 08 (connection exception); 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now).
    if (/^08/.test(code) || /^57P0[123]$/.test(code)) return true;
    if (["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"].includes(code)) return true;
  }
  return (
    typeof message === "string" &&
    /Connection terminated|not queryable|terminating connection|the database system is (starting up|shutting down|in recovery mode)|connect ECONNREFUSED/i.test(
      message,
    )
  );
}

export function createPrismaClient(connectionString: string, max = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString, max });
  // Before Prisma's adapter connects (the raw reads may use the pool first) and after.
  guardPoolConnections(pool);
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
  /**
   * Runs `fn` once this transaction has committed (never if it rolls back): a signal to other
   * processes that must not be sent from inside it (a NOTIFY would make the commit wait behind
   * every other notifying commit). `fn` must not throw; its failure cannot undo the commit.
   */
  afterCommit(fn: () => void): void;
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
export async function queryRows<T>(q: Queryable, query: Prisma.Sql, options?: StatementOptions): Promise<T[]> {
  const runner = "client" in q ? q.client : requirePool(q, "queryRows");
  return (await runStatement<T & pg.QueryResultRow>(runner, query.text, query.values, options)).rows;
}

/** Rows affected by one statement (DELETE/UPDATE without RETURNING). For stores only. */
export async function execute(q: Queryable, query: Prisma.Sql, options?: StatementOptions): Promise<number> {
  const runner = "client" in q ? q.client : requirePool(q, "execute");
  return (await runStatement(runner, query.text, query.values, options)).rowCount ?? 0;
}

export interface StatementOptions {
  /**
   * Run as a named prepared statement: each connection parses and plans it once and then only
   * binds and executes it (docs/adr/0026-prepared-statements-on-the-execution-path.md). For the
   * execution path's writes, whose plans do not depend on the organization's size; not for reads
   * whose best plan does (a cached generic plan would be chosen for every organization).
   */
  prepared?: boolean;
}

/**
 * Runs one statement on a pool or a connection: named (preparedStatementName) when it is to be
 * prepared, otherwise as text and values. Only a named statement goes as a query config object:
 * pg copies such an object property by property (its cloneQueryConfig) on every query, ~0.9 µs
 * against ~10 ns for text and values; it showed in a CPU profile of the hot reads (bench P2).
 */
export function runStatement<R extends pg.QueryResultRow = pg.QueryResultRow>(
  runner: pg.Pool | pg.PoolClient,
  text: string,
  values: unknown[],
  options?: StatementOptions,
): Promise<pg.QueryResult<R>> {
  return options?.prepared
    ? runner.query<R>({ name: preparedStatementName(text), text, values })
    : runner.query<R>(text, values);
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
    const committed: (() => void)[] = [];
    const result = await fn({ client, afterCommit: (hook) => committed.push(hook) });
    await client.query("COMMIT");
    for (const hook of committed) hook();
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
