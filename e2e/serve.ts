import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { findRepoRoot } from "@/server/data-files";
import { startEmbeddedPostgres } from "@/server/db/bootstrap";
import { ensureDatabaseExists, pgConfigFromUrl, quoteIdent, withDatabase } from "@/server/db/migrate";
import { E2E_AUTH_SECRET } from "./fixtures/env";
import { startOidcProvider } from "./fixtures/oidc-provider";
import { SSO_CLIENT, SSO_NAME, SSO_ORGANIZATION, SSO_ROLE_MAP } from "./fixtures/sso";

// Playwright's web server: the production app (npm start's script) on a fresh database — a new
// database on the server of E2E_DATABASE_URL / DATABASE_URL when given, else on an embedded
// PostgreSQL of its own. The url goes to .data/e2e-database-url for fixtures that seed per test.
async function main(): Promise<void> {
  const root = findRepoRoot();
  const base = process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL;
  const embedded = base
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(root, ".data", "e2e-pg"), port: 54331, disposable: true });
  const url = withDatabase(base ?? (embedded?.url as string), `rcc_e2e_${randomBytes(4).toString("hex")}`);
  await dropIdleE2eDatabases(url);
  await ensureDatabaseExists(url);
  mkdirSync(path.join(root, ".data"), { recursive: true });
  writeFileSync(path.join(root, ".data", "e2e-database-url"), url);

  // The identity provider lives in this process; SSO is configured for every spec (the sign-in
  // page then also offers it, which the credentials helpers tell apart by the exact button name).
  const port = process.env.E2E_PORT ?? "3103";
  const idp = await startOidcProvider(`http://127.0.0.1:${port}`);

  // Node itself (not npx) so SIGTERM reaches the app, which shuts down before the database stops.
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      // A declared production deployment (AUTH_SECRET and the audit signing key are set here).
      NODE_ENV: "production",
      AUDIT_SIGNING_KEY: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      DATABASE_URL: url,
      PORT: port,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: SSO_CLIENT.id,
      OIDC_CLIENT_SECRET: SSO_CLIENT.secret,
      OIDC_NAME: SSO_NAME,
      OIDC_ORGANIZATION: SSO_ORGANIZATION,
      OIDC_ROLE_MAP: SSO_ROLE_MAP,
      AUTH_SECRET: E2E_AUTH_SECRET,
      REMEDIATION_EXECUTOR: process.env.REMEDIATION_EXECUTOR ?? "simulated",
      REMEDIATION_SIMULATED_DELAY_MS: process.env.REMEDIATION_SIMULATED_DELAY_MS ?? "300",
      DEMO_SEED: "true",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
  });
  const stop = () => {
    idp.close();
    child.kill("SIGTERM");
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  child.on("exit", async (code) => {
    await embedded?.stop();
    process.exit(code ?? 0);
  });
}

/**
 * Playwright may kill this process before it can clean up, so each run drops the databases that
 * earlier runs left behind; one still in use (a concurrent run) refuses the DROP and stays.
 */
async function dropIdleE2eDatabases(serverUrl: string): Promise<void> {
  const admin = new pg.Client({ ...pgConfigFromUrl(serverUrl), database: "postgres" });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'rcc\\_e2e\\_%'",
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`).catch(() => undefined);
    }
  } finally {
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
