import { randomBytes } from "node:crypto";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { TestProject } from "vitest/node";
import { findRepoRoot } from "@/server/data-files";
import { isProcessAlive, startEmbeddedPostgres } from "@/server/db/bootstrap";
import { listDatabases, migrateDatabase, queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** Migrated database that every test file clones (CREATE DATABASE ... TEMPLATE). */
    templateDatabaseUrl: string;
    /** Name prefix of this run's per-file databases; it carries the run's pid. */
    testDatabasePrefix: string;
  }
}

const TEST_EMBEDDED_PORT = 54330;
const SHARED_CLUSTER_WAIT_MS = 15 * 60_000;
// Test databases are named rcc_tpl_<pid>_… / rcc_t_<pid>_… after the vitest process that made them.
const TEST_DATABASE = /^rcc_(?:tpl|t)_(\d+)_/;

interface TestServer {
  url: string;
  /** True for our embedded cluster: every pid in a database name is a process on this machine. */
  local: boolean;
  owned: boolean;
  stop: () => Promise<void>;
}

/** TEST_DATABASE_URL, else DATABASE_URL, else a dedicated embedded cluster under .data/test-pg. */
async function resolveTestServer(): Promise<TestServer> {
  const configured = process.env.TEST_DATABASE_URL?.trim() || process.env.DATABASE_URL?.trim();
  if (configured) return { url: configured, local: false, owned: false, stop: async () => {} };
  const port = Number(process.env.TEST_EMBEDDED_PG_PORT ?? TEST_EMBEDDED_PORT);
  const dataDir = path.join(findRepoRoot(), ".data", "test-pg");
  return { local: true, ...(await startEmbeddedPostgres({ dataDir, port, disposable: true })) };
}

function isLoopback(url: string): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);
}

/**
 * Drops test databases left by crashed runs and returns how many other runs still use the
 * cluster. Several engineers' runs share .data/test-pg; only the run that started it stops it.
 */
async function sweepTestDatabases(serverUrl: string): Promise<number> {
  const others = new Set<number>();
  for (const datname of await listDatabases(serverUrl, "rcc\\_t%")) {
    const pid = Number(TEST_DATABASE.exec(datname)?.[1]);
    if (!pid || pid === process.pid) continue;
    if (isProcessAlive(pid)) others.add(pid);
    else await queryServer(serverUrl, `DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
  }
  return others.size;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await resolveTestServer();
  const runId = `${process.pid}_${randomBytes(3).toString("hex")}`;
  const template = `rcc_tpl_${runId}`;
  const templateUrl = withDatabase(server.url, template);
  const dropTemplate = () => queryServer(server.url, `DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`);
  try {
    // Databases of dead runs are named after their pid, which only means something on this host.
    if (server.local || isLoopback(server.url)) await sweepTestDatabases(server.url);
    await queryServer(server.url, `CREATE DATABASE ${quoteIdent(template)}`);
    await migrateDatabase(templateUrl);
    // A stray session on the template would make every clone fail; refuse them outright.
    await queryServer(server.url, `ALTER DATABASE ${quoteIdent(template)} ALLOW_CONNECTIONS false`);
  } catch (error) {
    await dropTemplate().catch(() => {});
    await server.stop();
    throw error;
  }
  project.provide("templateDatabaseUrl", templateUrl);
  project.provide("testDatabasePrefix", `rcc_t_${runId}_`);
  return async () => {
    try {
      await dropTemplate();
      if (server.local && server.owned) {
        const deadline = Date.now() + SHARED_CLUSTER_WAIT_MS;
        while ((await sweepTestDatabases(server.url)) > 0 && Date.now() < deadline) await sleep(1000);
      }
    } finally {
      await server.stop();
    }
  };
}
