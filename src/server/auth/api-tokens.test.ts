import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { acquireListener } from "@/server/db/listener";
import { ageApiTokenUse, apiTokenRowVersion } from "@/server/db/simulate";
import { revokeApiToken as revokeStoredToken, touchApiToken } from "@/server/db/stores/api-tokens";
import { expectIntactChain, exportAudit } from "@/test/audit-fixtures";
import { callerFor, rest } from "@/test/calls";
import { waitFor } from "@/test/execution-fixtures";
import { createOrganization } from "@/test/factories";
import { listenBackends, sealAll, terminateBackend } from "@/test/live-fixtures";

// API tokens as records (docs/behaviour.md#api-tokens) in one process: the endpoints, the
// refusals, revocation on REST and tRPC, lastUsedAt, the LISTEN connection lost, the audit events.
// Across processes and on the event stream: api-tokens-processes.test.ts.

interface TokenBody {
  id: string;
  token: string;
  name: string;
  permissions: string[];
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

async function createToken(org: string, body: Record<string, unknown> = {}, sub = "admin-1"): Promise<TokenBody> {
  const response = await rest("POST", "/remediation/tokens", {
    auth: { organizationId: org, sub },
    body: { name: "CI bot", permissions: ["remediation:view"], ttlSeconds: 3600, ...body },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as TokenBody;
}

const statsWith = (token: string) => rest("GET", "/remediation/stats", { auth: `Bearer ${token}` });

async function revoke(org: string, id: string): Promise<Response> {
  return rest("DELETE", `/remediation/tokens/${id}`, { auth: { organizationId: org } });
}

const storedToken = async (org: string, id: string) => (await callerFor(org).tokens.list()).find((t) => t.id === id);

describe("the token endpoints", () => {
  it("create shows the token once; list shows the record without it; revoke → 200, then 401 with the token", async () => {
    const org = await createOrganization("tokens");
    const created = await createToken(org, { permissions: ["remediation:view", "remediation:view"] });
    expect(created).toMatchObject({
      name: "CI bot",
      permissions: ["remediation:view"],
      createdBy: "admin-1",
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(Math.abs(Date.parse(created.expiresAt) - Date.now() - 3_600_000)).toBeLessThan(5_000);
    const [, payload] = created.token.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    expect(claims).toMatchObject({
      jti: created.id,
      sub: "admin-1",
      organizationId: org,
      exp: Date.parse(created.expiresAt) / 1000,
    });

    expect((await statsWith(created.token)).status).toBe(200);
    const listed = await rest("GET", "/remediation/tokens", { auth: { organizationId: org } });
    expect(listed.status).toBe(200);
    const rows = (await listed.json()) as TokenBody[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).not.toHaveProperty("token");
    expect(rows[0]).toMatchObject({ id: created.id, name: "CI bot", revokedAt: null });
    expect(rows[0]!.lastUsedAt).not.toBeNull();

    const revoked = await revoke(org, created.id);
    expect(revoked.status).toBe(200);
    const record = (await revoked.json()) as TokenBody;
    expect(record.revokedAt).not.toBeNull();
    const refused = await statsWith(created.token);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      statusCode: 401,
      error: "Unauthorized",
      message: "Token has been revoked",
    });

    // Revoking again is idempotent: 200, the first revokedAt, no second event.
    const again = await revoke(org, created.id);
    expect(again.status).toBe(200);
    expect(((await again.json()) as TokenBody).revokedAt).toBe(record.revokedAt);
    await sealAll(org);
    const types = (await exportAudit(org)).lines.map((l) => ("type" in l ? l.type : "stub"));
    expect(types).toEqual(["TOKEN_CREATED", "TOKEN_REVOKED"]);
  });

  it("every token endpoint needs policy:update, reads included", async () => {
    const org = await createOrganization("tokens-perm");
    const operator = { organizationId: org, permissions: ROLE_PERMISSIONS.operator };
    const answers = await Promise.all([
      rest("GET", "/remediation/tokens", { auth: operator }),
      rest("POST", "/remediation/tokens", {
        auth: operator,
        body: { name: "x", permissions: ["remediation:view"], ttlSeconds: 60 },
      }),
      rest("DELETE", `/remediation/tokens/${crypto.randomUUID()}`, { auth: operator }),
      rest("GET", "/remediation/tokens", { auth: null }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([403, 403, 403, 401]);
  });

  it("400 with issues: unknown permission, a permission the creator lacks, ttl over a year, no name, unknown keys", async () => {
    const org = await createOrganization("tokens-400");
    const cases: [Record<string, unknown>, string, string[] | undefined][] = [
      [{ name: "x", permissions: ["remediation:fly"], ttlSeconds: 60 }, "permissions.0", undefined],
      [
        { name: "x", permissions: ["remediation:view", "incident:write"], ttlSeconds: 60 },
        "permissions.1",
        ["remediation:view", "policy:update"],
      ],
      [{ name: "x", permissions: ["remediation:view"], ttlSeconds: 31_536_001 }, "ttlSeconds", undefined],
      [{ name: "x", permissions: ["remediation:view"], ttlSeconds: 1.5 }, "ttlSeconds", undefined],
      [{ name: "  ", permissions: ["remediation:view"], ttlSeconds: 60 }, "name", undefined],
      [{ name: "x", permissions: [], ttlSeconds: 60 }, "permissions", undefined],
      [{ name: "x", permissions: ["remediation:view"], ttlSeconds: 60, sub: "someone-else" }, "", undefined],
    ];
    for (const [body, path, permissions] of cases) {
      const response = await rest("POST", "/remediation/tokens", {
        auth: { organizationId: org, ...(permissions && { permissions }) },
        body,
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      const answer = (await response.json()) as { issues: { path: string }[] };
      expect(
        answer.issues.map((i) => i.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    // A year exactly is allowed.
    await createToken(org, { ttlSeconds: 31_536_000 });
    expect(await callerFor(org).tokens.list()).toHaveLength(1);
  });

  it("another organization's token, an unknown id and a malformed id are 404; the token keeps working", async () => {
    const org = await createOrganization("tokens-mine");
    const other = await createOrganization("tokens-theirs");
    const created = await createToken(org);
    for (const id of [created.id, crypto.randomUUID(), "not-a-uuid"]) {
      const response = await revoke(other, id);
      expect(response.status, id).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404, message: "Token not found" });
    }
    expect(await callerFor(other).tokens.list()).toEqual([]);
    expect((await statsWith(created.token)).status).toBe(200);
  });

  it("tRPC (bearer, the route handler the browser calls): 200, then 401 once revoked", async () => {
    const org = await createOrganization("tokens-trpc");
    const created = await createToken(org);
    const call = () =>
      trpcRoute.GET(
        new Request("http://localhost/api/trpc/remediation.stats", {
          headers: { authorization: `Bearer ${created.token}` },
        }),
      );
    expect((await call()).status).toBe(200);
    await callerFor(org, { userId: "admin-1" }).tokens.revoke({ id: created.id });
    const refused = await call();
    expect(refused.status).toBe(401);
  });
});

describe("lastUsedAt", () => {
  it("is written at most once a minute: a second use within the minute writes nothing, a use after it does", async () => {
    const org = await createOrganization("tokens-used");
    const created = await createToken(org);
    expect((await statsWith(created.token)).status).toBe(200);
    const first = (await storedToken(org, created.id))!.lastUsedAt;
    expect(first).not.toBeNull();
    const version = await apiTokenRowVersion(created.id);
    expect((await statsWith(created.token)).status).toBe(200);
    expect(await apiTokenRowVersion(created.id)).toBe(version);
    expect((await storedToken(org, created.id))!.lastUsedAt).toEqual(first);
  });

  it("the store's condition holds across processes: a use within the minute leaves the row untouched", async () => {
    const org = await createOrganization("tokens-used-db");
    const created = await createToken(org);
    expect(await touchApiToken(db(), org, created.id)).toBe(true);
    const version = await apiTokenRowVersion(created.id);
    expect(await touchApiToken(db(), org, created.id)).toBe(false);
    expect(await apiTokenRowVersion(created.id)).toBe(version);
    await ageApiTokenUse(created.id, new Date(Date.now() - 61_000));
    expect(await touchApiToken(db(), org, created.id)).toBe(true);
  });
});

describe("revocation while the LISTEN connection is down", () => {
  it("a revocation whose notification this process never hears is still honoured within about a second", async () => {
    const org = await createOrganization("tokens-unheard");
    const created = await createToken(org);
    expect((await statsWith(created.token)).status).toBe(200);
    const tokenListener = () => listenBackends().then((all) => all.find((b) => b.query.includes("rcc_token_revoked")));
    const backend = await waitFor(tokenListener, { what: "this process to LISTEN for revocations" });
    expect((await statsWith(created.token)).status).toBe(200);

    const { listener, release } = acquireListener();
    try {
      await terminateBackend(backend.pid);
      await waitFor(async () => !listener.connected(), { what: "the listener to see its connection lost" });
      // Revoked as another process would (the store alone: this process is not told) and
      // committed while nobody listens here: the NOTIFY reaches no one in this process.
      expect((await revokeStoredToken(db(), org, created.id))?.revoked).toBe(true);
      const revokedAt = performance.now();
      await waitFor(async () => (await statsWith(created.token)).status === 401, {
        timeoutMs: 5_000,
        intervalMs: 20,
        what: "the revoked token to be refused",
      });
      expect(performance.now() - revokedAt).toBeLessThan(1_500);
      await waitFor(async () => listener.connected(), { what: "the listener to reconnect" });
    } finally {
      await release();
    }
  });
});

describe("audit events", () => {
  it("TOKEN_CREATED and TOKEN_REVOKED are organization events (actionId null, data.tokenId) in the sealed, verifiable chain", async () => {
    const org = await createOrganization("tokens-audit");
    const created = await createToken(org, { name: "exporter" });
    await revoke(org, created.id);
    expect(await sealAll(org)).toBe(2);
    const exported = await exportAudit(org);
    expect(expectIntactChain(exported, org)).toEqual({ events: 2, stubs: 0 });
    expect(exported.lines).toMatchObject([
      {
        seq: 1,
        type: "TOKEN_CREATED",
        actionId: null,
        actor: "admin-1",
        data: {
          tokenId: created.id,
          name: "exporter",
          permissions: ["remediation:view"],
          expiresAt: created.expiresAt,
        },
      },
      { seq: 2, type: "TOKEN_REVOKED", actionId: null, actor: "user-1", data: { tokenId: created.id } },
    ]);
  });
});

describe("npm run token -- --register", () => {
  it("stores the record (with its TOKEN_CREATED event) and prints a token that carries its id", async () => {
    const org = await createOrganization("tokens-cli");
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [
        "--import",
        "tsx",
        "scripts/token.ts",
        "--org",
        org,
        "--sub",
        "ci-bot",
        "--permissions",
        "remediation:view",
        "--ttl",
        "600",
        "--register",
        "--label",
        "nightly export",
      ],
      { cwd: path.resolve(import.meta.dirname, "../../.."), env: { ...process.env, LOG_LEVEL: "warn" } },
    );
    const token = stdout.trim();
    const [record] = await callerFor(org).tokens.list();
    expect(record).toMatchObject({ name: "nightly export", createdBy: "ci-bot", permissions: ["remediation:view"] });
    expect(stderr).toContain(record!.id);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString());
    expect(claims).toMatchObject({ jti: record!.id, sub: "ci-bot", organizationId: org });
    expect((await statsWith(token)).status).toBe(200);
    await revoke(org, record!.id);
    expect((await statsWith(token)).status).toBe(401);
    await sealAll(org);
    expect((await exportAudit(org)).lines).toMatchObject([
      { type: "TOKEN_CREATED", actionId: null, actor: "ci-bot", data: { tokenId: record!.id, via: "cli" } },
      { type: "TOKEN_REVOKED", actionId: null },
    ]);
  }, 60_000);
});
