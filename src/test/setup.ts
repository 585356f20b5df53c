import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";

// Runs in each test file's worker before the file's own imports, so app modules (the lazy
// db() client, env()) only ever see this file's database and these defaults.
process.env.AUTH_SECRET ||= "test-auth-secret-0123456789abcdef0123456789abcdef";
process.env.REMEDIATION_EXECUTOR ||= "simulated";
process.env.LOG_LEVEL ||= "silent";

const templateUrl = inject("templateDatabaseUrl");
const template = decodeURIComponent(new URL(templateUrl).pathname.slice(1));
const database = `${inject("testDatabasePrefix")}${randomBytes(4).toString("hex")}`;

await queryServer(templateUrl, `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}`);
process.env.DATABASE_URL = withDatabase(templateUrl, database);

afterAll(async () => {
  // Close our pool first: connections killed by DROP ... FORCE would surface as pool errors.
  const { disconnectDb } = await import("@/server/db/client");
  await disconnectDb();
  await queryServer(templateUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
});
