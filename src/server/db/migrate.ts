import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { MigrationList } from "@prisma/schema-engine-wasm/schema_engine_bg";
import pg from "pg";
import { findRepoRoot } from "@/server/data-files";
import { loadSchemaEngine, noSchemaFilter, openSchemaEngine } from "@/server/db/schema-engine";

// Distinct from the engine's own advisory lock key (72707369) so the two never wait on each other.
const MIGRATE_LOCK_KEY = 7_240_117_001;
const MIGRATE_LOCK_TIMEOUT = "5min";

export function defaultMigrationsDir(): string {
  return path.join(findRepoRoot(), "prisma", "migrations");
}

/**
 * Separate fields rather than a connection string: an explicit `database` must win when the
 * same server is reached for another database (CREATE DATABASE from `postgres`, temp databases).
 */
export function pgConfigFromUrl(databaseUrl: string): pg.ClientConfig {
  const url = new URL(databaseUrl);
  const sslmode = url.searchParams.get("sslmode");
  return {
    host: url.searchParams.get("host") ?? (url.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost"),
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username) || "postgres",
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || "postgres",
    ssl:
      sslmode && sslmode !== "disable" && sslmode !== "prefer" && sslmode !== "allow"
        ? sslmode === "verify-full" || { rejectUnauthorized: false }
        : undefined,
  };
}

/** The same server and credentials, another database. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A short-lived client of the tools here. Its connection failing (the server restarting) rejects
 * the statement in flight; the listener keeps the client's 'error' event, unheard an uncaught
 * exception, from also ending the process.
 */
export function connectionClient(config: pg.ClientConfig): pg.Client {
  const client = new pg.Client(config);
  client.on("error", () => {});
  return client;
}

/** Runs one statement on the `postgres` database of the server that `databaseUrl` points at. */
export async function queryServer(databaseUrl: string, sql: string): Promise<void> {
  const admin = connectionClient({ ...pgConfigFromUrl(databaseUrl), database: "postgres" });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/** Names of the server's databases matching a LIKE pattern (the harnesses sweep their leftovers). */
export async function listDatabases(serverUrl: string, like: string): Promise<string[]> {
  const admin = connectionClient({ ...pgConfigFromUrl(serverUrl), database: "postgres" });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      like,
    ]);
    return rows.map((r) => r.datname);
  } finally {
    await admin.end();
  }
}

/** Creates the database named in the URL when it is missing; losing a creation race is fine. */
export async function ensureDatabaseExists(databaseUrl: string): Promise<void> {
  const config = pgConfigFromUrl(databaseUrl);
  const probe = connectionClient(config);
  try {
    await probe.connect();
    return;
  } catch (error) {
    if ((error as { code?: string }).code !== "3D000") throw error;
  } finally {
    await probe.end().catch(() => {});
  }
  try {
    await queryServer(databaseUrl, `CREATE DATABASE ${quoteIdent(String(config.database))}`);
  } catch (error) {
    // 42P04: created meanwhile by another process; 23505: both inserted into pg_database at once.
    const code = (error as { code?: string }).code;
    if (code !== "42P04" && code !== "23505") throw error;
  }
}

/** The migrations folder in the shape the engine expects, read exactly as the Prisma CLI does. */
async function readMigrations(dir = defaultMigrationsDir()): Promise<MigrationList> {
  const lockPath = "migration_lock.toml";
  const lockContent = await readFile(path.join(dir, lockPath), "utf8").catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const directories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => {
        const content = await readFile(path.join(dir, entry.name, "migration.sql"), "utf8").then(
          (value) => ({ tag: "ok" as const, value }),
          (error: Error) => ({ tag: "error" as const, value: error.message }),
        );
        return { path: entry.name, migrationFile: { path: "migration.sql", content } };
      }),
  );
  directories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: dir,
    lockfile: { path: lockPath, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories: directories,
  };
}

/**
 * `prisma migrate deploy` through the WebAssembly engine: applies the pending folders under
 * prisma/migrations and records them in _prisma_migrations in the CLI's format. Concurrent
 * callers on the same database queue on an advisory lock; the later ones find nothing to apply.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: { migrationsDir?: string } = {},
): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrations(options.migrationsDir);
  // Compile while waiting for the lock; a failure surfaces from `await engineReady` below.
  const engineReady = loadSchemaEngine();
  engineReady.catch(() => {});
  const lock = connectionClient(pgConfigFromUrl(databaseUrl));
  await lock.connect();
  try {
    await lock.query(`SET lock_timeout = '${MIGRATE_LOCK_TIMEOUT}'`);
    await lock.query("SELECT pg_advisory_lock($1)", [MIGRATE_LOCK_KEY]);
    await engineReady;
    const handle = await openSchemaEngine(pgConfigFromUrl(databaseUrl));
    try {
      const { appliedMigrationNames } = await handle.engine.applyMigrations({
        migrationsList,
        filters: noSchemaFilter,
      });
      return { applied: appliedMigrationNames };
    } finally {
      await handle.close();
    }
  } finally {
    // Closing the session would release the lock too; unlocking first keeps waiters from
    // depending on how fast the server notices the disconnect.
    await lock.query("SELECT pg_advisory_unlock($1)", [MIGRATE_LOCK_KEY]).catch(() => {});
    await lock.end().catch(() => {});
  }
}
