import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiTokenRowVersion } from "@/server/db/simulate";
import { rest } from "@/test/calls";
import { waitFor } from "@/test/execution-fixtures";
import { bearer, createOrganization } from "@/test/factories";
import { type AppProcess, listenBackends, openStream, spawnAppProcess } from "@/test/live-fixtures";
import { signToken } from "./bearer";

// Registered API tokens across processes (docs/behaviour.md#api-tokens): web processes A and B
// (no worker) on this file's database, the token revoked from this test process. Nothing tells
// A or B but PostgreSQL's NOTIFY. B runs with REQUIRE_REGISTERED_TOKENS=true.
let webA: AppProcess;
let webB: AppProcess;

beforeAll(async () => {
  [webA, webB] = await Promise.all([
    spawnAppProcess({ name: "tokens-web-a", worker: false }),
    spawnAppProcess({ name: "tokens-web-b", worker: false, env: { REQUIRE_REGISTERED_TOKENS: "true" } }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([webA?.stop(), webB?.stop()]);
  expect(webA?.uncaught() ?? [], webA?.output()).toEqual([]);
  expect(webB?.uncaught() ?? [], webB?.output()).toEqual([]);
}, 60_000);

async function createToken(org: string): Promise<{ id: string; token: string }> {
  const response = await rest("POST", "/remediation/tokens", {
    auth: { organizationId: org, sub: "admin-1" },
    body: { name: "two processes", permissions: ["remediation:view"], ttlSeconds: 3600 },
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; token: string };
}

const statsOn = async (app: AppProcess, authorization: string) =>
  (await fetch(`${app.base}/remediation/stats`, { headers: { authorization } })).status;

/** Waits until `app` LISTENs for revocations (it starts with the first registered token it verifies). */
const tokenListening = (app: AppProcess) =>
  waitFor(
    async () =>
      (await listenBackends()).find((b) => b.application === app.name && b.query.includes("rcc_token_revoked")),
    { timeoutMs: 10_000, what: `${app.name} to LISTEN on rcc_token_revoked` },
  );

async function revokeHere(org: string, id: string): Promise<number> {
  const response = await rest("DELETE", `/remediation/tokens/${id}`, { auth: { organizationId: org } });
  expect(response.status).toBe(200);
  return performance.now();
}

describe("revocation across processes", () => {
  it("a token both processes have verified (and cached) is refused by both within 1 s of the revocation", async () => {
    const org = await createOrganization("tokens-two");
    const { id, token } = await createToken(org);
    const authorization = `Bearer ${token}`;
    for (const app of [webA, webB]) expect(await statsOn(app, authorization)).toBe(200);
    await Promise.all([tokenListening(webA), tokenListening(webB)]);
    // Verified again after the LISTEN became active: from here on A and B answer from their caches.
    for (const app of [webA, webB]) expect(await statsOn(app, authorization)).toBe(200);

    const revokedAt = await revokeHere(org, id);
    const refusedAfter = await Promise.all(
      [webA, webB].map(async (app) => {
        await waitFor(async () => (await statsOn(app, authorization)) === 401, {
          timeoutMs: 5_000,
          intervalMs: 10,
          what: `${app.name} to refuse the revoked token`,
        });
        return performance.now() - revokedAt;
      }),
    );
    for (const ms of refusedAfter) expect(ms).toBeLessThan(1_000);
  });

  it("an open event stream of the token, held by another process, ends within about a second of the revocation", async () => {
    const org = await createOrganization("tokens-stream");
    const { id, token } = await createToken(org);
    // A LISTENs for revocations from its first registered token on (then its hub's LISTEN
    // shares the connection and is the last query pg_stat_activity shows).
    expect(await statsOn(webA, `Bearer ${token}`)).toBe(200);
    await tokenListening(webA);
    const stream = await openStream(webA.base, { authorization: `Bearer ${token}` });
    try {
      expect(stream.status, stream.text()).toBe(200);
      await stream.waitForFrames(1, { what: "`: connected`" });
      expect(stream.isEnded()).toBe(false);
      const revokedAt = await revokeHere(org, id);
      const endedAt = await stream.ended;
      expect(endedAt - revokedAt).toBeLessThan(1_000);
      // A new stream with it is refused.
      const again = await openStream(webA.base, { authorization: `Bearer ${token}` });
      expect(again.status).toBe(401);
      again.close();
    } finally {
      stream.close();
    }
  });
});

describe("lastUsedAt across processes", () => {
  it("a use in another process within the minute of this one's writes nothing", async () => {
    const org = await createOrganization("tokens-used-two");
    const { id, token } = await createToken(org);
    expect((await rest("GET", "/remediation/stats", { auth: `Bearer ${token}` })).status).toBe(200);
    const version = await apiTokenRowVersion(id);
    expect(version).toBeDefined();
    // A's first use of the token: its own throttle lets the write through, the condition stops it.
    expect(await statsOn(webA, `Bearer ${token}`)).toBe(200);
    expect(await apiTokenRowVersion(id)).toBe(version);
  });
});

describe("REQUIRE_REGISTERED_TOKENS", () => {
  it("on (B): a token without jti is refused, a registered one accepted; off (A): both accepted", async () => {
    const org = await createOrganization("tokens-required");
    const unregistered = await bearer(org);
    const { id, token } = await createToken(org);
    expect(await statsOn(webA, unregistered)).toBe(200);
    const refused = await fetch(`${webB.base}/remediation/stats`, { headers: { authorization: unregistered } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ statusCode: 401, message: "Token is not registered" });
    expect(await statsOn(webB, `Bearer ${token}`)).toBe(200);

    // Revoked over HTTP through A (DELETE, no body): B refuses it too.
    const revoked = await fetch(`${webA.base}/remediation/tokens/${id}`, {
      method: "DELETE",
      headers: { authorization: unregistered },
    });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    await waitFor(async () => (await statsOn(webB, `Bearer ${token}`)) === 401, {
      timeoutMs: 2_000,
      what: "B to refuse the token revoked through A",
    });
  });

  it("a jti that names no record (or another organization's) is refused whatever the setting", async () => {
    const org = await createOrganization("tokens-unknown-jti");
    const other = await createOrganization("tokens-other-jti");
    const { id } = await createToken(other);
    for (const jti of [randomUUID(), id, "not-a-record"]) {
      const token = await signToken({
        sub: "x",
        organizationId: org,
        permissions: ["remediation:view"],
        ttlSeconds: 60,
        jti,
      });
      expect(await statsOn(webA, `Bearer ${token}`), jti).toBe(401);
      expect((await rest("GET", "/remediation/stats", { auth: `Bearer ${token}` })).status, jti).toBe(401);
    }
  });
});
