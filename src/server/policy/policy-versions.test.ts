// Policy versions (docs/behaviour.md#policy-version): every successful PUT stores the next immutable
// version (the full policy after the merge, who saved it, when), the versions list, the version
// each new action records (details.policy.version and the policyVersion column), and
// `expectedVersion` (a stale one → 409, of concurrent PUTs from the same version exactly one wins).
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, type Policy } from "@/lib/policy-schema";
import { db } from "@/server/db/client";
import {
  defaultMigrationsDir,
  ensureDatabaseExists,
  migrateDatabase,
  queryServer,
  quoteIdent,
  withDatabase,
} from "@/server/db/migrate";
import { databaseDigest } from "@/server/db/simulate";
import { callerFor, rest } from "@/test/calls";
import { createIncident, createOrganization, requestBody } from "@/test/factories";

const ADMIN = "admin-1";

async function org(prefix = "pver") {
  const id = await createOrganization(prefix);
  return { id, auth: { organizationId: id, sub: ADMIN } };
}

type Auth = { organizationId: string; sub?: string; permissions?: readonly string[] };

async function call(method: string, path: string, auth: Auth, body?: unknown) {
  const res = await rest(method, path, { auth, body });
  return { status: res.status, body: await res.json() };
}

const put = (auth: Auth, body: unknown) => call("PUT", "/remediation/policy", auth, body);
const getPolicy = (auth: Auth) => call("GET", "/remediation/policy", auth);
const versions = (auth: Auth, query = "") => call("GET", `/remediation/policy/versions${query}`, auth);

/** The policy part of a GET/PUT answer (without its stamp). */
function policyOf(answer: Record<string, unknown>): Policy {
  const { version: _v, updatedBy: _b, updatedAt: _a, ...policy } = answer;
  return policy as Policy;
}

/** The stored policyVersion column of an action (the replay groups by it). */
async function policyVersionColumn(actionId: string): Promise<number | null> {
  const rows = await db().$queryRaw<{ policyVersion: number | null }[]>`
    SELECT "policyVersion" FROM remediation_actions WHERE id = ${actionId}::uuid`;
  expect(rows).toHaveLength(1);
  return rows[0]!.policyVersion;
}

describe("the never-saved default", () => {
  it("GET → version 0, updatedBy null, updatedAt null; the versions list is []", async () => {
    const { auth } = await org();
    expect(await getPolicy(auth)).toEqual({
      status: 200,
      body: { ...DEFAULT_POLICY, version: 0, updatedBy: null, updatedAt: null },
    });
    expect(await versions(auth)).toEqual({ status: 200, body: [] });
    expect(await callerFor(auth.organizationId).policy.versions()).toEqual([]);
  });
});

describe("every successful PUT stores a version", () => {
  it("1, 2, 3 …: listed newest first, each the full policy after the merge, createdBy the principal", async () => {
    const { id, auth } = await org();
    const first = await put(auth, { requireApprovalEnvironments: ["production", "staging"] });
    const second = await put({ organizationId: id, sub: "admin-2" }, { deniedActionTypes: ["run-runbook"] });
    const third = await put(auth, { approvalReminderMinutes: 30, requireApprovalSeverities: ["HIGH"] });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect([first.body.version, second.body.version, third.body.version]).toEqual([1, 2, 3]);
    expect([first.body.updatedBy, second.body.updatedBy, third.body.updatedBy]).toEqual([ADMIN, "admin-2", ADMIN]);

    const v1 = { ...DEFAULT_POLICY, requireApprovalEnvironments: ["production", "staging"] };
    const v2 = { ...v1, deniedActionTypes: ["run-runbook"] };
    const v3 = { ...v2, approvalReminderMinutes: 30, requireApprovalSeverities: ["HIGH"] };
    expect(policyOf(first.body)).toEqual(v1);
    expect(policyOf(third.body)).toEqual(v3);

    const listed = await versions(auth);
    expect(listed).toEqual({
      status: 200,
      body: [
        { version: 3, policy: v3, createdBy: ADMIN, createdAt: third.body.updatedAt },
        { version: 2, policy: v2, createdBy: "admin-2", createdAt: second.body.updatedAt },
        { version: 1, policy: v1, createdBy: ADMIN, createdAt: first.body.updatedAt },
      ],
    });
    // GET answers the newest version with its stamp.
    expect(await getPolicy(auth)).toEqual({
      status: 200,
      body: { ...v3, version: 3, updatedBy: ADMIN, updatedAt: third.body.updatedAt },
    });
    // The tRPC procedure answers the same list.
    const viaCaller = await callerFor(id).policy.versions({ limit: 2 });
    expect(viaCaller.map((v) => [v.version, v.createdBy, v.createdAt.toISOString()])).toEqual([
      [3, ADMIN, third.body.updatedAt],
      [2, "admin-2", second.body.updatedAt],
    ]);
    expect(viaCaller[0]!.policy).toEqual(v3);
  });

  it("a PUT of nothing (or the same values) is still the next version", async () => {
    const { auth } = await org();
    await put(auth, { blockedEnvironments: ["dr"] });
    expect((await put(auth, {})).body.version).toBe(2);
    expect((await put(auth, { blockedEnvironments: ["dr"] })).body.version).toBe(3);
    const listed = (await versions(auth)).body as { version: number; policy: Policy }[];
    expect(listed.map((v) => v.version)).toEqual([3, 2, 1]);
    for (const v of listed) expect(v.policy).toEqual({ ...DEFAULT_POLICY, blockedEnvironments: ["dr"] });
  });

  it("limit: default 50, limit=n gives the n newest; 0, 501, abc, 1.5 → 400 at limit", async () => {
    const { auth } = await org();
    for (let i = 1; i <= 53; i++) await put(auth, { overrideReviewHours: i });
    const all = await versions(auth);
    expect(all.status).toBe(200);
    expect(all.body.map((v: { version: number }) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => 53 - i));
    const two = await versions(auth, "?limit=2");
    expect(two.body.map((v: { version: number; policy: Policy }) => [v.version, v.policy.overrideReviewHours])).toEqual(
      [
        [53, 53],
        [52, 52],
      ],
    );
    expect((await versions(auth, "?limit=500")).body).toHaveLength(53);
    for (const [limit, message] of [
      ["0", "limit must be at least 1"],
      ["501", "limit must be at most 500"],
      ["abc", "limit must be a number"],
      ["1.5", "limit must be an integer"],
    ]) {
      const refused = await versions(auth, `?limit=${limit}`);
      expect({ limit, status: refused.status }).toEqual({ limit, status: 400 });
      expect(refused.body.issues).toEqual([{ path: "limit", message }]);
    }
  });

  it("a refused PUT (400) stores no version and changes nothing", async () => {
    const { auth } = await org();
    await put(auth, { approvalReminderMinutes: 30 });
    const before = await databaseDigest();
    const refusals = [
      { quorumRules: [{ approvals: 6 }] },
      { approvalEscalationMinutes: 30 },
      { deniedActionTypes: ["not-a-type"] },
      { surprise: true },
    ];
    for (const body of refusals) {
      const refused = await put(auth, body);
      expect({ body, status: refused.status }).toEqual({ body, status: 400 });
    }
    expect(await databaseDigest()).toEqual(before);
    expect((await getPolicy(auth)).body.version).toBe(1);
    expect((await versions(auth)).body.map((v: { version: number }) => v.version)).toEqual([1]);
  });

  it("versions are the organization's own", async () => {
    const a = await org();
    const b = await org();
    await put(a.auth, { blockedEnvironments: ["dr"] });
    await put(a.auth, { blockedEnvironments: ["qa"] });
    await put(b.auth, { deniedActionTypes: ["clear-cache"] });
    expect((await versions(a.auth)).body.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const listedB = (await versions(b.auth)).body;
    expect(listedB).toHaveLength(1);
    expect(listedB[0]).toMatchObject({
      version: 1,
      policy: { deniedActionTypes: ["clear-cache"], blockedEnvironments: [] },
    });
  });

  it("the versions list needs remediation:view", async () => {
    const { id } = await org();
    const res = await rest("GET", "/remediation/policy/versions", {
      auth: { organizationId: id, permissions: ["remediation:request"] },
    });
    expect(res.status).toBe(403);
    expect((await res.json()).message).toBe("Missing permission: remediation:view");
    const viewer = await rest("GET", "/remediation/policy/versions", {
      auth: { organizationId: id, permissions: ["remediation:view"] },
    });
    expect(viewer.status).toBe(200);
  });
});

describe("each new action records the version in force", () => {
  it("details.policy.version and the policyVersion column: 0 under the default, then 1, then 2", async () => {
    const { id, auth } = await org();
    const incidentId = await createIncident(id);
    const request = async () => {
      const res = await rest("POST", "/remediation/request", {
        auth: { organizationId: id },
        body: requestBody(incidentId, { environment: "staging" }),
      });
      expect(res.status).toBe(201);
      const row = await res.json();
      const read = await call("GET", `/remediation/${row.id}`, { organizationId: id });
      return {
        status: row.status,
        answered: row.details.policy.version,
        stored: read.body.details.policy.version,
        column: await policyVersionColumn(row.id),
      };
    };

    expect(await request()).toEqual({ status: "QUEUED", answered: 0, stored: 0, column: 0 });
    await put(auth, { requireApprovalEnvironments: ["staging"] });
    expect(await request()).toEqual({ status: "PENDING_APPROVAL", answered: 1, stored: 1, column: 1 });
    await put(auth, { requireApprovalEnvironments: [] });
    expect(await request()).toEqual({ status: "QUEUED", answered: 2, stored: 2, column: 2 });
    // A refused PUT leaves version 2 in force.
    expect((await put(auth, { quorumRules: [{ approvals: 6 }] })).status).toBe(400);
    expect(await request()).toEqual({ status: "QUEUED", answered: 2, stored: 2, column: 2 });

    // Through the tRPC caller too.
    const { action } = await callerFor(id).remediation.request(requestBody(incidentId));
    expect((action.details as { policy: { version: number } }).policy.version).toBe(2);
    expect(await policyVersionColumn(action.id)).toBe(2);
  });
});

describe("expectedVersion", () => {
  it("matching → saved as the next version; stale → 409 with the exact message, nothing stored", async () => {
    const { id, auth } = await org();
    const first = await put(auth, { expectedVersion: 0, blockedEnvironments: ["dr"] });
    expect(first).toMatchObject({ status: 200, body: { version: 1, blockedEnvironments: ["dr"] } });
    const second = await put(auth, { expectedVersion: 1, blockedEnvironments: ["qa"] });
    expect(second).toMatchObject({ status: 200, body: { version: 2, blockedEnvironments: ["qa"] } });

    const before = await databaseDigest();
    const stale = await put(auth, { expectedVersion: 1, blockedEnvironments: ["prod-eu"] });
    expect(stale).toEqual({
      status: 409,
      body: { statusCode: 409, error: "Conflict", message: "Policy changed since version 1 was read (now 2)." },
    });
    // A version from the future is stale too.
    const ahead = await put(auth, { expectedVersion: 7 });
    expect(ahead.status).toBe(409);
    expect(ahead.body.message).toBe("Policy changed since version 7 was read (now 2).");
    expect(await databaseDigest()).toEqual(before);
    expect(await getPolicy(auth)).toMatchObject({ body: { version: 2, blockedEnvironments: ["qa"] } });

    // The tRPC procedure refuses the same way.
    await expect(callerFor(id).policy.update({ expectedVersion: 0, blockedEnvironments: [] })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "Policy changed since version 0 was read (now 2).",
    });
    // Without expectedVersion the PUT is not bound to a version.
    expect((await put(auth, { blockedEnvironments: [] })).body.version).toBe(3);
  });

  it.each([
    ["a string", "1"],
    ["a fraction", 1.5],
    ["negative", -1],
    ["null", null],
    ["an object", { version: 1 }],
  ])("expectedVersion %s → 400 at expectedVersion, nothing stored", async (_, expectedVersion) => {
    const { auth } = await org();
    await put(auth, { blockedEnvironments: ["dr"] });
    const before = await databaseDigest();
    const refused = await put(auth, { expectedVersion, blockedEnvironments: ["qa"] });
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((i: { path: string }) => i.path)).toEqual(["expectedVersion"]);
    expect(await databaseDigest()).toEqual(before);
  });

  it.each([0, 1])(
    "20 concurrent PUTs with expectedVersion %i → exactly one 200, 19 × 409, one new version",
    async (from) => {
      const { auth } = await org();
      for (let v = 1; v <= from; v++) await put(auth, { overrideReviewHours: 100 + v });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          put({ ...auth, sub: `admin-${i}` }, { expectedVersion: from, overrideReviewHours: i + 1 }),
        ),
      );
      const saved = answers.filter((a) => a.status === 200);
      const conflicts = answers.filter((a) => a.status === 409);
      expect(saved).toHaveLength(1);
      expect(conflicts).toHaveLength(19);
      for (const c of conflicts) {
        expect(c.body.message).toBe(`Policy changed since version ${from} was read (now ${from + 1}).`);
      }
      const winner = saved[0]!.body;
      expect(winner.version).toBe(from + 1);
      const listed = (await versions(auth)).body;
      expect(listed.map((v: { version: number }) => v.version)).toEqual(
        Array.from({ length: from + 1 }, (_, i) => from + 1 - i),
      );
      expect(listed[0]).toEqual({
        version: from + 1,
        policy: policyOf(winner),
        createdBy: winner.updatedBy,
        createdAt: winner.updatedAt,
      });
      expect(await getPolicy(auth)).toEqual({ status: 200, body: winner });
    },
  );
});

describe("stored versions are immutable", () => {
  it("UPDATE and DELETE of a version are refused by the database", async () => {
    const { id, auth } = await org();
    await put(auth, { blockedEnvironments: ["dr"] });
    const before = await databaseDigest();
    await expect(
      db().$executeRaw`UPDATE policy_versions SET "createdBy" = 'someone-else' WHERE "organizationId" = ${id}`,
    ).rejects.toThrow(/append-only/);
    await expect(db().$executeRaw`DELETE FROM policy_versions WHERE "organizationId" = ${id}`).rejects.toThrow(
      /append-only/,
    );
    expect(await databaseDigest()).toEqual(before);
  });
});

// ── the migration's backfill (a scratch database migrated in two steps) ─────────────────────

const POLICY_VERSIONS_MIGRATION = readdirSync(defaultMigrationsDir()).find((name) =>
  name.endsWith("_policy_versions"),
)!;
const scratchDatabases: string[] = [];
const scratchDirs: string[] = [];

afterAll(async () => {
  for (const name of scratchDatabases) {
    await queryServer(process.env.DATABASE_URL!, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  }
  for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
});

/** A database migrated up to (not including) the policy_versions migration. */
async function databaseBeforeVersions(): Promise<string> {
  const name = `${new URL(process.env.DATABASE_URL!).pathname.slice(1)}_backfill`;
  scratchDatabases.push(name);
  const url = withDatabase(process.env.DATABASE_URL!, name);
  const dir = mkdtempSync(path.join(tmpdir(), "migrations-before-versions-"));
  scratchDirs.push(dir);
  cpSync(path.join(defaultMigrationsDir(), "migration_lock.toml"), path.join(dir, "migration_lock.toml"));
  for (const folder of readdirSync(defaultMigrationsDir(), { withFileTypes: true })) {
    if (!folder.isDirectory() || folder.name >= POLICY_VERSIONS_MIGRATION) continue;
    cpSync(path.join(defaultMigrationsDir(), folder.name), path.join(dir, folder.name), { recursive: true });
  }
  await ensureDatabaseExists(url);
  await migrateDatabase(url, { migrationsDir: dir });
  return url;
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe("the backfill of policies saved before versions existed", () => {
  it("a saved policy becomes a stored version (0 → 1, n stays n); requests judged by it keep that version", async () => {
    const url = await databaseBeforeVersions();
    // Saved before the counter (version 0) and saved three times under the counter (version 3).
    for (const [org, version, environments] of [
      ["legacy-zero", 0, ["production", "staging"]],
      ["legacy-three", 3, ["qa"]],
    ] as const) {
      await sql(url, `INSERT INTO organizations (id, name) VALUES ($1, $1)`, [org]);
      await sql(
        url,
        `INSERT INTO organization_policies ("organizationId", "requireApprovalEnvironments", "requireApprovalSeverities",
           "requireApprovalActionTypes", "blockedEnvironments", "deniedActionTypes", version, "updatedBy", "updatedAt")
         VALUES ($1, $2, '{CRITICAL}', '{}', '{}', '{run-runbook}', $3, 'admin-old', '2026-01-02T03:04:05.678Z')`,
        [org, environments, version],
      );
    }
    // A request of the counter era: details.policy.version names the version that judged it.
    const [incident] = await sql<{ id: string }>(
      url,
      `INSERT INTO incidents (id, "organizationId", title, "serviceName", environment, severity, "updatedAt")
       VALUES (gen_random_uuid(), 'legacy-three', 'x', 'api', 'qa', 'HIGH', now()) RETURNING id`,
    );
    const [judged] = await sql<{ id: string }>(
      url,
      `INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", environment, severity, status,
         "performedBy", details)
       VALUES (gen_random_uuid(), 'legacy-three', $1, 'restart-service', 'qa', 'HIGH', 'PENDING_APPROVAL', 'user-1',
         '{"policy":{"outcome":"PENDING_APPROVAL","reasons":["Environment qa requires approval."],"violations":[],"matchedRules":[],"version":3}}')
       RETURNING id`,
      [incident!.id],
    );

    // The policy_versions migration and every one after it (they run in name order).
    const later = readdirSync(defaultMigrationsDir(), { withFileTypes: true })
      .filter((f) => f.isDirectory() && f.name >= POLICY_VERSIONS_MIGRATION)
      .map((f) => f.name)
      .sort();
    expect((await migrateDatabase(url)).applied).toEqual(later);

    const policies = await sql<{ organizationId: string; version: number }>(
      url,
      `SELECT "organizationId", version FROM organization_policies ORDER BY 1`,
    );
    expect(policies).toEqual([
      { organizationId: "legacy-three", version: 3 },
      { organizationId: "legacy-zero", version: 1 },
    ]);
    const stored = await sql<{
      organizationId: string;
      version: number;
      policy: Policy;
      createdBy: string;
      createdAt: Date;
    }>(url, `SELECT "organizationId", version, policy, "createdBy", "createdAt" FROM policy_versions ORDER BY 1`);
    expect(stored).toEqual([
      {
        organizationId: "legacy-three",
        version: 3,
        policy: { ...DEFAULT_POLICY, requireApprovalEnvironments: ["qa"], deniedActionTypes: ["run-runbook"] },
        createdBy: "admin-old",
        createdAt: new Date("2026-01-02T03:04:05.678Z"),
      },
      {
        organizationId: "legacy-zero",
        version: 1,
        policy: {
          ...DEFAULT_POLICY,
          requireApprovalEnvironments: ["production", "staging"],
          deniedActionTypes: ["run-runbook"],
        },
        createdBy: "admin-old",
        createdAt: new Date("2026-01-02T03:04:05.678Z"),
      },
    ]);

    // The request was judged by version 3, which is now stored: the replay must judge it by
    // version 3, not by the default (docs/behaviour.md#policy-simulate), so its column says 3.
    const [action] = await sql<{ policyVersion: number | null }>(
      url,
      `SELECT "policyVersion" FROM remediation_actions WHERE id = $1`,
      [judged!.id],
    );
    expect(action!.policyVersion).toBe(3);
  }, 120_000);
});
