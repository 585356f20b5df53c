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

/**
 * Rows of a read-only raw query (the hot reads and export batches), run straight on the
 * client's pg pool: Prisma's raw-query path (request serialisation, the query engine's
 * interpreter, per-value normalisation) cost more CPU than PostgreSQL did for a 50-row page
 * (bench P2/P3). Same SQL, same placeholders (`Prisma.Sql.text` renders `$1…`). Differences
 * from `$queryRaw` the callers handle: int8/numeric arrive as strings (cast counts to int or
 * read them with Number). Inside a transaction (a `Tx` with no pool of its own) it falls back
 * to `$queryRaw`, so the read sees the transaction's snapshot.
 */
export async function readRows<T>(db: Tx, query: Prisma.Sql): Promise<T[]> {
  const pool = poolOf(db);
  if (!pool) return db.$queryRaw<T[]>(query);
  return (await pool.query<T & pg.QueryResultRow>(query.text, query.values)).rows;
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
