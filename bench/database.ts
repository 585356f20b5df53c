import path from "node:path";
import { findRepoRoot } from "@/server/data-files";
import { serverAnswers, startEmbeddedPostgres } from "@/server/db/bootstrap";
import { migrateDatabase, queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";

const LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";
const EMBEDDED_PORT = 54339;

export interface BenchDatabase {
  /** URL of the fresh bench database. */
  url: string;
  /** Where the server came from, for the report. */
  server: "BENCH_DATABASE_URL" | "DATABASE_URL" | "local" | "embedded";
  drop(): Promise<void>;
}

/**
 * A fresh database (never an existing one: the bench deletes half a million rows) on
 * BENCH_DATABASE_URL's or DATABASE_URL's server, else the local PostgreSQL, else (or with
 * BENCH_EMBEDDED=1) an embedded one under .data/bench-pg; migrations applied.
 */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  let serverUrl: string;
  let server: BenchDatabase["server"];
  let stopServer = async () => {};
  if (process.env.BENCH_DATABASE_URL?.trim()) {
    serverUrl = process.env.BENCH_DATABASE_URL.trim();
    server = "BENCH_DATABASE_URL";
  } else if (process.env.DATABASE_URL?.trim()) {
    serverUrl = process.env.DATABASE_URL.trim();
    server = "DATABASE_URL";
  } else if (process.env.BENCH_EMBEDDED !== "1" && (await serverAnswers(LOCAL_SERVER))) {
    serverUrl = LOCAL_SERVER;
    server = "local";
  } else {
    const embedded = await startEmbeddedPostgres({
      dataDir: path.join(findRepoRoot(), ".data", "bench-pg"),
      port: Number(process.env.BENCH_EMBEDDED_PG_PORT ?? EMBEDDED_PORT),
      disposable: true,
    });
    serverUrl = embedded.url;
    server = "embedded";
    stopServer = embedded.stop;
  }
  const name = `rcc_bench_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${process.pid}`;
  const url = withDatabase(serverUrl, name);
  await queryServer(url, `CREATE DATABASE ${quoteIdent(name)}`);
  await migrateDatabase(url);
  return {
    url,
    server,
    async drop() {
      await queryServer(url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`).catch(() => {});
      await stopServer();
    },
  };
}
