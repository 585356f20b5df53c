import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveAuthSecret, resolveDatabase } from "@/server/db/bootstrap";
import { queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";

// Next's types mark NODE_ENV read-only; tests switch it deliberately.
const env = process.env as Record<string, string | undefined>;

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete env[name];
  else env[name] = value;
}

describe("resolveAuthSecret", () => {
  const saved = { AUTH_SECRET: env.AUTH_SECRET, NODE_ENV: env.NODE_ENV };
  let dataDir: string;

  beforeEach(() => {
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), "rcc-secret-")), ".data");
    delete process.env.AUTH_SECRET;
  });
  afterEach(() => {
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
    restore("AUTH_SECRET", saved.AUTH_SECRET);
    restore("NODE_ENV", saved.NODE_ENV);
  });

  it("prefers AUTH_SECRET from the environment", () => {
    process.env.AUTH_SECRET = "from-the-environment-0123456789";
    expect(resolveAuthSecret({ dataDir })).toBe("from-the-environment-0123456789");
  });

  it("refuses to invent a secret in production", () => {
    env.NODE_ENV = "production";
    expect(() => resolveAuthSecret({ dataDir })).toThrow(/AUTH_SECRET/);
  });

  it("creates a private secret file once and reuses it", () => {
    const first = resolveAuthSecret({ dataDir });
    expect(first).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(process.env.AUTH_SECRET).toBe(first);
    expect(statSync(path.join(dataDir, "auth-secret")).mode & 0o777).toBe(0o600);

    delete process.env.AUTH_SECRET;
    expect(resolveAuthSecret({ dataDir })).toBe(first);
  });

  it("rejects an unusable secret file instead of silently replacing it", () => {
    resolveAuthSecret({ dataDir });
    delete process.env.AUTH_SECRET;
    writeFileSync(path.join(dataDir, "auth-secret"), "short\n");
    expect(() => resolveAuthSecret({ dataDir })).toThrow(/auth-secret/);
  });
});

describe("resolveDatabase with DATABASE_URL", () => {
  it("creates the configured database when missing and owns no server", async () => {
    const fileDatabaseUrl = process.env.DATABASE_URL!;
    const name = `${new URL(fileDatabaseUrl).pathname.slice(1)}_resolve`;
    const url = withDatabase(fileDatabaseUrl, name);
    process.env.DATABASE_URL = url;
    try {
      const database = await resolveDatabase();
      expect(database).toMatchObject({ url, embedded: false });
      await database.stop();
      await database.stop();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.end();
    } finally {
      process.env.DATABASE_URL = fileDatabaseUrl;
      await queryServer(url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    }
  });
});
