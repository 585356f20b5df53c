import { randomBytes } from "node:crypto";
import { afterAll, afterEach, inject } from "vitest";
import { queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";
import { logger } from "@/server/logger";
import { captureErrorReports, takeErrorReportProblems } from "./error-logs";

// Runs in each test file's worker before the file's own imports, so app modules (the lazy
// db() client, env()) only ever see this file's database and these defaults. Tests never change
// settings through process.env: they pass them as arguments (execution settings to the worker
// fixture, guardrails to callerFor, …), so these stay the whole run's defaults.
process.env.AUTH_SECRET ||= "test-auth-secret-0123456789abcdef0123456789abcdef";
process.env.REMEDIATION_EXECUTOR ||= "simulated";
process.env.LOG_LEVEL ||= "silent";

const templateUrl = inject("templateDatabaseUrl");
const template = decodeURIComponent(new URL(templateUrl).pathname.slice(1));
const database = `${inject("testDatabasePrefix")}${randomBytes(4).toString("hex")}`;

await queryServer(templateUrl, `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}`);
process.env.DATABASE_URL = withDatabase(templateUrl, database);

// Habit 8: an unexpected console.error or logged error fails the test (expectErrorLog declares one).
captureErrorReports(logger());
afterEach(() => {
  const problems = takeErrorReportProblems();
  if (problems.length > 0) throw new Error(problems.join("\n"));
});

afterAll(async () => {
  // Errors logged outside any test (hooks, a worker finishing late) fail the file.
  const problems = takeErrorReportProblems();
  // Stop the pg-boss sender and close our pool first: connections killed by DROP ... FORCE
  // would surface as pool errors.
  const { stopSenderBoss } = await import("@/server/jobs/boss");
  const { disconnectDb } = await import("@/server/db/client");
  await stopSenderBoss();
  await disconnectDb();
  await queryServer(templateUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  if (problems.length > 0) throw new Error(problems.join("\n"));
});
