// POST /remediation/policy/simulate (docs/behaviour.md#policy-simulate): every request created in the
// last `days` days is replayed against the version that judged it (`before`; no version = the
// default, version 0) and against the draft merged onto the current policy (`after`), each at its
// own createdAt (freeze windows judged then), with the evaluation the request path uses
// (docs/behaviour.md#policy-version). Controlled histories with exact counts, the bad inputs, and a
// property test: the replay of requests made through the request use case agrees with what was
// stored for every one of them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTION_TYPES, type ActionType } from "@/lib/action-catalog";
import { actionRequestInput } from "@/lib/action-request";
import type { GlobalPolicy } from "@/lib/policy-schema";
import { SEVERITIES, type Severity } from "@/lib/schemas";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { databaseDigest } from "@/server/db/simulate";
import { env } from "@/server/env";
import { requestAction } from "@/server/remediation/request-action";
import { callerFor, rest } from "@/test/calls";
import { createActions, createIncident, createOrganization, principalFor } from "@/test/factories";
import { testGuardrails } from "@/test/settings";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Outcome = "QUEUED" | "PENDING_APPROVAL" | "BLOCKED";
type Counts = Record<Outcome, number>;

/** Valid parameters for each catalog type (the replay does not read them; the stored rows stay plausible). */
const PARAMETERS: Record<ActionType, Record<string, unknown>> = {
  "restart-service": { service: "api-gateway" },
  "scale-service": { service: "api-gateway", replicas: 3 },
  "rollback-deployment": { service: "api-gateway" },
  "clear-cache": { service: "api-gateway" },
  "toggle-feature-flag": { flag: "new-checkout", enabled: false },
  "run-runbook": { runbook: "drain-node" },
};

async function org(prefix = "sim") {
  const id = await createOrganization(prefix);
  return { id, auth: { organizationId: id, sub: "admin-1" } };
}

type Auth = { organizationId: string; sub?: string; permissions?: readonly string[] };

async function put(auth: Auth, body: unknown) {
  const res = await rest("PUT", "/remediation/policy", { auth, body });
  const answer = await res.json();
  expect({ status: res.status, answer }).toMatchObject({ status: 200 });
  return answer as { version: number };
}

async function simulate(auth: Auth, body: unknown, guardrails: GlobalPolicy = testGuardrails()) {
  const res = await rest("POST", "/remediation/policy/simulate", { auth, body, guardrails });
  return { status: res.status, body: await res.json() };
}

/** A simulation that must succeed; its answer. */
async function simulated(auth: Auth, body: unknown, guardrails?: GlobalPolicy) {
  const answer = await simulate(auth, body, guardrails);
  expect(answer).toMatchObject({ status: 200 });
  return answer.body;
}

const counts = (c: Partial<Counts>): Counts => ({ QUEUED: 0, PENDING_APPROVAL: 0, BLOCKED: 0, ...c });

interface HistoryRow {
  /** How long before now it was requested. */
  ago: number;
  environment?: string;
  severity?: Severity;
  actionType?: ActionType;
  /** The version that judged it; null: made before versions existed. */
  policyVersion: number | null;
  /** What it was stored as (the replay never reads it). Default QUEUED. */
  status?: "QUEUED" | "PENDING_APPROVAL";
}

/** Stored requests at chosen times, through the factories; their ids in row order. */
async function history(organizationId: string, rows: HistoryRow[], now = Date.now()): Promise<string[]> {
  return createActions(
    organizationId,
    rows.map((r) => {
      const actionType = r.actionType ?? "restart-service";
      return {
        createdAt: new Date(now - r.ago),
        environment: r.environment ?? "staging",
        severity: r.severity ?? "HIGH",
        actionType,
        parameters: PARAMETERS[actionType],
        serviceName: "service" in PARAMETERS[actionType] ? "api-gateway" : null,
        status: r.status ?? "QUEUED",
        policyVersion: r.policyVersion,
      };
    }),
  );
}

/** `count` rows alike, a minute apart, starting `ago` before now. */
function rows(count: number, ago: number, row: Omit<HistoryRow, "ago">): HistoryRow[] {
  return Array.from({ length: count }, (_, i) => ({ ...row, ago: ago + i * MINUTE }));
}

const ZERO = counts({});

describe("a draft adding staging to requireApprovalEnvironments", () => {
  it("exact before/after counts, QUEUED->PENDING_APPROVAL = the staging requests in the window, samples with reasons", async () => {
    const { id, auth } = await org();
    // Version 1: the default's approval lists, saved.
    expect((await put(auth, { requireApprovalEnvironments: ["production"] })).version).toBe(1);
    const now = Date.now();
    const staging = await history(
      id,
      [
        ...rows(3, 2 * HOUR, { environment: "staging", severity: "LOW", policyVersion: 1 }),
        ...rows(2, 5 * DAY, { environment: "staging", severity: "HIGH", policyVersion: 1 }),
        ...rows(2, 29 * DAY, {
          environment: "staging",
          severity: "MEDIUM",
          actionType: "clear-cache",
          policyVersion: 1,
        }),
      ],
      now,
    );
    const unchanged = await history(
      id,
      [
        // CRITICAL needs approval anyway: pending before and after.
        ...rows(2, 3 * DAY, {
          environment: "staging",
          severity: "CRITICAL",
          status: "PENDING_APPROVAL",
          policyVersion: 1,
        }),
        ...rows(5, 1 * DAY, { environment: "production", status: "PENDING_APPROVAL", policyVersion: 1 }),
        ...rows(4, 4 * DAY, { environment: "development", policyVersion: 1 }),
      ],
      now,
    );
    // Outside the 30-day window: never replayed.
    await history(id, rows(3, 31 * DAY, { environment: "staging", policyVersion: 1 }), now);
    expect(staging).toHaveLength(7);
    expect(unchanged).toHaveLength(11);

    const before = await databaseDigest();
    const draft = { policy: { requireApprovalEnvironments: ["production", "staging"] }, sampleLimit: 5 };
    const answer = await simulated(auth, draft);
    expect(answer).toEqual({
      basedOnVersion: 1,
      from: expect.any(String),
      to: expect.any(String),
      evaluated: 18,
      changed: 7,
      before: counts({ QUEUED: 11, PENDING_APPROVAL: 7 }),
      after: counts({ QUEUED: 4, PENDING_APPROVAL: 14 }),
      transitions: { "QUEUED->PENDING_APPROVAL": 7 },
      samples: expect.any(Array),
    });
    expect(Date.parse(answer.to) - Date.parse(answer.from)).toBe(30 * DAY);
    expect(Math.abs(Date.parse(answer.to) - Date.now())).toBeLessThan(10_000);
    // At most sampleLimit, only changed requests, with the draft's reasons.
    expect(answer.samples).toHaveLength(5);
    for (const sample of answer.samples) {
      expect(staging).toContain(sample.actionId);
      expect(sample).toEqual({
        actionId: sample.actionId,
        incidentId: expect.any(String),
        createdAt: expect.any(String),
        actionType: expect.stringMatching(/^(restart-service|clear-cache)$/),
        environment: "staging",
        severity: expect.stringMatching(/^(LOW|HIGH|MEDIUM)$/),
        before: "QUEUED",
        after: "PENDING_APPROVAL",
        reasons: ["Environment staging requires approval."],
      });
    }
    // The newest changed requests (docs/behaviour.md#policy-simulate): the three of 2 hours ago, the two of 5 days ago.
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual(staging.slice(0, 5).sort());

    // Default sampleLimit (50): every changed request, each sample the stored request's facts.
    const all = await simulated(auth, { policy: draft.policy });
    expect(all.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...staging].sort());
    const stored = await db().remediationAction.findMany({ where: { id: { in: staging } } });
    for (const sample of all.samples) {
      const row = stored.find((r) => r.id === sample.actionId)!;
      expect(sample).toMatchObject({
        createdAt: row.createdAt.toISOString(),
        actionType: row.actionType,
        environment: row.environment,
        severity: row.severity,
      });
    }
    // sampleLimit 0: the counts without samples.
    expect(await simulated(auth, { ...draft, sampleLimit: 0 })).toMatchObject({ changed: 7, samples: [] });

    // Stores nothing: not one row of any table changed, the version is still 1.
    expect(await databaseDigest()).toEqual(before);
    expect((await rest("GET", "/remediation/policy", { auth }).then((r) => r.json())).version).toBe(1);
  });

  it("the tRPC procedure answers the same (Dates)", async () => {
    const { id, auth } = await org();
    await put(auth, { requireApprovalEnvironments: ["production"] });
    await history(id, rows(3, HOUR, { environment: "staging", severity: "LOW", policyVersion: 1 }));
    const answer = await callerFor(id, { guardrails: testGuardrails() }).policy.simulate({
      policy: { requireApprovalEnvironments: ["staging"] },
      days: 2,
      sampleLimit: 1,
    });
    expect(answer).toMatchObject({
      basedOnVersion: 1,
      evaluated: 3,
      changed: 3,
      transitions: { "QUEUED->PENDING_APPROVAL": 3 },
    });
    expect(answer.to.getTime() - answer.from.getTime()).toBe(2 * DAY);
    expect(answer.samples).toHaveLength(1);
    expect(answer.samples[0]!.createdAt).toBeInstanceOf(Date);
  });
});

describe("a past freeze window in the draft", () => {
  it("covering production for an hour 3 days ago: only the production requests created inside that hour change", async () => {
    const { id, auth } = await org();
    // Version 1: nothing needs approval, so every request was QUEUED.
    await put(auth, { requireApprovalEnvironments: [], requireApprovalSeverities: [] });
    const now = Date.now();
    const start = Math.floor((now - 3 * DAY) / MINUTE) * MINUTE;
    const end = start + HOUR;
    const at = (t: number): HistoryRow => ({ ago: now - t, environment: "production", policyVersion: 1 });
    const inside = await history(id, [at(start), at(start + 30 * MINUTE), at(end - 1)], now);
    await history(
      id,
      [
        at(start - 1), // just before it starts
        at(end), // a window ends at `end` exactly
        at(end + 10 * MINUTE),
        at(now - HOUR), // the window is long over: not judged now
        { ...at(start + 30 * MINUTE), environment: "staging" }, // another environment
      ],
      now,
    );
    const window = {
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      environments: ["production"],
      reason: "database migration",
    };
    const answer = await simulated(auth, { policy: { freezeWindows: [window] } });
    expect(answer).toMatchObject({
      basedOnVersion: 1,
      evaluated: 8,
      changed: 3,
      before: counts({ QUEUED: 8 }),
      after: counts({ QUEUED: 5, PENDING_APPROVAL: 3 }),
      transitions: { "QUEUED->PENDING_APPROVAL": 3 },
    });
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...inside].sort());
    for (const sample of answer.samples) {
      expect(sample.reasons).toEqual([
        `Environment production is in a change freeze until ${window.end}: database migration.`,
      ]);
    }
  });

  it("a freeze window active now changes only the requests created since it started", async () => {
    const { id, auth } = await org();
    await put(auth, { requireApprovalEnvironments: [], requireApprovalSeverities: [] });
    const now = Date.now();
    const recent = await history(id, rows(2, 10 * MINUTE, { environment: "staging", policyVersion: 1 }), now);
    await history(id, rows(3, 2 * HOUR, { environment: "staging", policyVersion: 1 }), now);
    const window = {
      start: new Date(now - HOUR).toISOString(),
      end: new Date(now + HOUR).toISOString(),
      environments: ["staging"],
      reason: "release",
    };
    const answer = await simulated(auth, { policy: { freezeWindows: [window] } });
    expect(answer).toMatchObject({ evaluated: 5, changed: 2, transitions: { "QUEUED->PENDING_APPROVAL": 2 } });
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...recent].sort());
  });
});

describe("a draft denying an action type", () => {
  it("those requests become BLOCKED after, whatever they were; the draft is merged onto the current policy", async () => {
    const { id, auth } = await org();
    // Version 1: qa needs approval (not the default), production does not.
    await put(auth, { requireApprovalEnvironments: ["qa"], requireApprovalSeverities: [] });
    const queued = await history(
      id,
      rows(3, HOUR, { environment: "staging", actionType: "rollback-deployment", policyVersion: 1 }),
    );
    const pending = await history(
      id,
      rows(2, DAY, {
        environment: "qa",
        actionType: "rollback-deployment",
        status: "PENDING_APPROVAL",
        policyVersion: 1,
      }),
    );
    await history(id, [
      ...rows(4, 2 * DAY, { environment: "staging", actionType: "restart-service", policyVersion: 1 }),
      // Still pending after: the draft keeps the current policy's qa rule.
      ...rows(2, 3 * DAY, {
        environment: "qa",
        actionType: "scale-service",
        status: "PENDING_APPROVAL",
        policyVersion: 1,
      }),
    ]);
    const answer = await simulated(auth, { policy: { deniedActionTypes: ["rollback-deployment"] } });
    expect(answer).toMatchObject({
      evaluated: 11,
      changed: 5,
      before: counts({ QUEUED: 7, PENDING_APPROVAL: 4 }),
      after: counts({ QUEUED: 4, PENDING_APPROVAL: 2, BLOCKED: 5 }),
      transitions: { "QUEUED->BLOCKED": 3, "PENDING_APPROVAL->BLOCKED": 2 },
    });
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...queued, ...pending].sort());
    for (const sample of answer.samples) {
      expect(sample).toMatchObject({
        actionType: "rollback-deployment",
        after: "BLOCKED",
        reasons: ["Action type rollback-deployment is denied by policy."],
      });
    }
    expect(answer.samples.filter((s: { before: string }) => s.before === "PENDING_APPROVAL")).toHaveLength(2);
  });

  it("the global lists are today's: they judge before and after alike, so they change nothing", async () => {
    const { id, auth } = await org();
    await put(auth, { requireApprovalEnvironments: [], requireApprovalSeverities: [] });
    await history(id, [
      ...rows(2, HOUR, { environment: "staging", actionType: "clear-cache", policyVersion: 1 }),
      ...rows(3, 2 * HOUR, { environment: "dr", policyVersion: 1 }),
      ...rows(1, 3 * HOUR, { environment: "staging", policyVersion: 1 }),
    ]);
    const guardrails = testGuardrails({ deniedActionTypes: ["clear-cache"], blockedEnvironments: ["dr"] });
    expect(await simulated(auth, { policy: {} }, guardrails)).toMatchObject({
      evaluated: 6,
      changed: 0,
      before: counts({ BLOCKED: 2, PENDING_APPROVAL: 3, QUEUED: 1 }),
      after: counts({ BLOCKED: 2, PENDING_APPROVAL: 3, QUEUED: 1 }),
      transitions: {},
      samples: [],
    });
  });
});

describe("which version judged a request (before)", () => {
  it("{} simulates the current policy: changed 0 when the history was judged by the current version", async () => {
    const { id, auth } = await org();
    await put(auth, { requireApprovalEnvironments: ["production"], requireApprovalActionTypes: ["scale-service"] });
    await put(auth, { deniedActionTypes: ["run-runbook"] });
    await history(id, [
      ...rows(3, HOUR, { environment: "staging", policyVersion: 2 }),
      ...rows(2, DAY, { environment: "production", status: "PENDING_APPROVAL", policyVersion: 2 }),
      ...rows(2, 2 * DAY, {
        environment: "staging",
        actionType: "scale-service",
        status: "PENDING_APPROVAL",
        policyVersion: 2,
      }),
      ...rows(1, 3 * DAY, {
        environment: "staging",
        severity: "CRITICAL",
        status: "PENDING_APPROVAL",
        policyVersion: 2,
      }),
    ]);
    expect(await simulated(auth, { policy: {} })).toEqual({
      basedOnVersion: 2,
      from: expect.any(String),
      to: expect.any(String),
      evaluated: 8,
      changed: 0,
      before: counts({ QUEUED: 3, PENDING_APPROVAL: 5 }),
      after: counts({ QUEUED: 3, PENDING_APPROVAL: 5 }),
      transitions: {},
      samples: [],
    });
  });

  it("more simulations at once than the pool has connections all answer (a batch's versions are read on the cursor's own connection)", async () => {
    const { id, auth } = await org();
    await put(auth, { requireApprovalEnvironments: ["production"] });
    await history(id, rows(3, HOUR, { environment: "staging", policyVersion: 1 }));
    const answers = await Promise.all(
      Array.from({ length: env().DATABASE_POOL_SIZE + 2 }, () => simulated(auth, { policy: {} })),
    );
    for (const answer of answers) expect(answer).toMatchObject({ evaluated: 3, changed: 0 });
  });

  it("requests judged by version 1 while version 2 is current are judged before by version 1", async () => {
    const { id, auth } = await org();
    await put(auth, { requireApprovalEnvironments: ["production"], requireApprovalSeverities: [] });
    await put(auth, { requireApprovalEnvironments: ["production", "staging"] });
    const byOne = await history(id, rows(4, HOUR, { environment: "staging", policyVersion: 1 }));
    await history(id, rows(3, 2 * HOUR, { environment: "staging", status: "PENDING_APPROVAL", policyVersion: 2 }));
    const answer = await simulated(auth, { policy: {} });
    expect(answer).toMatchObject({
      basedOnVersion: 2,
      evaluated: 7,
      changed: 4,
      before: counts({ QUEUED: 4, PENDING_APPROVAL: 3 }),
      after: counts({ PENDING_APPROVAL: 7 }),
      transitions: { "QUEUED->PENDING_APPROVAL": 4 },
    });
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...byOne].sort());
    // A draft that goes back to version 1's lists changes the version-2 requests instead.
    const back = await simulated(auth, { policy: { requireApprovalEnvironments: ["production"] } });
    expect(back).toMatchObject({
      changed: 3,
      before: counts({ QUEUED: 4, PENDING_APPROVAL: 3 }),
      after: counts({ QUEUED: 7 }),
      transitions: { "PENDING_APPROVAL->QUEUED": 3 },
    });
  });

  it("requests with no version (made before versions existed) are judged against the default (version 0) and counted", async () => {
    const { id, auth } = await org();
    // Version 1: nothing needs approval.
    await put(auth, { requireApprovalEnvironments: [], requireApprovalSeverities: [] });
    const legacy = await history(id, [
      // The default: production and CRITICAL need approval.
      ...rows(3, HOUR, { environment: "production", status: "PENDING_APPROVAL", policyVersion: null }),
      ...rows(1, 2 * HOUR, {
        environment: "staging",
        severity: "CRITICAL",
        status: "PENDING_APPROVAL",
        policyVersion: null,
      }),
      ...rows(2, 3 * HOUR, { environment: "staging", severity: "LOW", policyVersion: null }),
    ]);
    // Requests judged by the never-saved default record version 0: the same judgement.
    const zero = await history(
      id,
      rows(2, 4 * HOUR, { environment: "production", status: "PENDING_APPROVAL", policyVersion: 0 }),
    );
    const answer = await simulated(auth, { policy: {} });
    expect(answer).toMatchObject({
      basedOnVersion: 1,
      evaluated: 8,
      changed: 6,
      before: counts({ QUEUED: 2, PENDING_APPROVAL: 6 }),
      after: counts({ QUEUED: 8 }),
      transitions: { "PENDING_APPROVAL->QUEUED": 6 },
    });
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual(
      [...legacy.slice(0, 4), ...zero].sort(),
    );
  });

  it("an organization that never saved a policy: basedOnVersion 0, its version-0 history unchanged by {}", async () => {
    const { id, auth } = await org();
    await history(id, [
      ...rows(2, HOUR, { environment: "production", status: "PENDING_APPROVAL", policyVersion: 0 }),
      ...rows(3, DAY, { environment: "staging", policyVersion: 0 }),
      ...rows(1, DAY, { environment: "staging", policyVersion: null }),
    ]);
    expect(await simulated(auth, { policy: {} })).toMatchObject({
      basedOnVersion: 0,
      evaluated: 6,
      changed: 0,
      before: counts({ QUEUED: 4, PENDING_APPROVAL: 2 }),
      after: counts({ QUEUED: 4, PENDING_APPROVAL: 2 }),
    });
  });
});

describe("the window", () => {
  it("no actions → zeros", async () => {
    const { auth } = await org();
    expect(await simulated(auth, { policy: { requireApprovalEnvironments: ["staging"] } })).toEqual({
      basedOnVersion: 0,
      from: expect.any(String),
      to: expect.any(String),
      evaluated: 0,
      changed: 0,
      before: ZERO,
      after: ZERO,
      transitions: {},
      samples: [],
    });
  });

  it("only older actions → zeros", async () => {
    const { id, auth } = await org();
    await history(id, rows(3, 31 * DAY, { environment: "staging", policyVersion: null }));
    expect(await simulated(auth, { policy: { requireApprovalEnvironments: ["staging"] } })).toMatchObject({
      evaluated: 0,
      changed: 0,
      before: ZERO,
      after: ZERO,
      transitions: {},
      samples: [],
    });
  });

  it.each([
    [1, 23 * HOUR, 25 * HOUR],
    [7, 6 * DAY + 23 * HOUR, 7 * DAY + HOUR],
    [90, 89 * DAY, 91 * DAY],
  ])("days %i counts the requests inside and excludes the older ones", async (days, inside, outside) => {
    const { id, auth } = await org();
    const counted = await history(id, [
      { ago: MINUTE, environment: "staging", severity: "LOW", policyVersion: null },
      { ago: inside, environment: "staging", severity: "LOW", policyVersion: null },
    ]);
    await history(id, [{ ago: outside, environment: "staging", severity: "LOW", policyVersion: null }]);
    const answer = await simulated(auth, { policy: { requireApprovalEnvironments: ["staging"] }, days });
    expect(answer).toMatchObject({ evaluated: 2, changed: 2, transitions: { "QUEUED->PENDING_APPROVAL": 2 } });
    expect(Date.parse(answer.to) - Date.parse(answer.from)).toBe(days * DAY);
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...counted].sort());
  });

  it("another organization's actions are never counted", async () => {
    const mine = await org();
    const theirs = await org();
    await put(theirs.auth, { requireApprovalEnvironments: [] });
    await history(theirs.id, rows(6, HOUR, { environment: "staging", policyVersion: 1 }));
    const own = await history(mine.id, rows(2, HOUR, { environment: "staging", policyVersion: null }));
    const answer = await simulated(mine.auth, { policy: { requireApprovalEnvironments: ["staging"] } });
    expect(answer).toMatchObject({ basedOnVersion: 0, evaluated: 2, changed: 2 });
    expect(answer.samples.map((s: { actionId: string }) => s.actionId).sort()).toEqual([...own].sort());
  });

  it("a history longer than one page is replayed whole (keyset pages)", async () => {
    const { id, auth } = await org();
    // 12,000 requests a second apart, half staging: more than two pages of the replay.
    await createActions(id, {
      count: 12_000,
      createdAt: new Date(Date.now() - MINUTE),
      severity: "LOW",
      policyVersion: null,
      each: (i) => ({ environment: i % 2 === 0 ? "staging" : "development" }),
    });
    const answer = await simulated(auth, { policy: { requireApprovalEnvironments: ["staging"] }, sampleLimit: 500 });
    expect(answer).toMatchObject({
      evaluated: 12_000,
      changed: 6_000,
      before: counts({ QUEUED: 12_000 }),
      after: counts({ QUEUED: 6_000, PENDING_APPROVAL: 6_000 }),
      transitions: { "QUEUED->PENDING_APPROVAL": 6_000 },
    });
    expect(answer.samples).toHaveLength(500);
    expect(new Set(answer.samples.map((s: { actionId: string }) => s.actionId)).size).toBe(500);
  }, 60_000);
});

describe("many requests at the same instant", () => {
  it("rows sharing one createdAt across a page boundary are each replayed once", async () => {
    const { id, auth } = await org();
    const at = new Date(Date.now() - HOUR);
    // 5,003 rows with the very same createdAt (more than one page of the replay): only the id orders them.
    await createActions(id, {
      count: 5_003,
      severity: "LOW",
      policyVersion: null,
      each: (i) => ({ createdAt: at, environment: i < 3 ? "staging" : "development" }),
    });
    const answer = await simulated(auth, { policy: { requireApprovalEnvironments: ["staging"] } });
    expect(answer).toMatchObject({
      evaluated: 5_003,
      changed: 3,
      before: counts({ QUEUED: 5_003 }),
      transitions: { "QUEUED->PENDING_APPROVAL": 3 },
    });
  }, 60_000);
});

describe("bad input → 400, nothing stored", () => {
  const cases: [name: string, body: unknown, path: string, message?: string][] = [
    ["days 0", { policy: {}, days: 0 }, "days", "days must be at least 1"],
    ["days 91", { policy: {}, days: 91 }, "days", "days must be at most 90"],
    ["days 1.5", { policy: {}, days: 1.5 }, "days", "days must be an integer"],
    ["days as a string", { policy: {}, days: "7" }, "days"],
    ["sampleLimit 501", { policy: {}, sampleLimit: 501 }, "sampleLimit", "sampleLimit must be at most 500"],
    ["sampleLimit -1", { policy: {}, sampleLimit: -1 }, "sampleLimit", "sampleLimit must be at least 0"],
    ["missing policy", { days: 7 }, "policy"],
    ["policy null", { policy: null }, "policy"],
    ["quorumRules approvals 6", { policy: { quorumRules: [{ approvals: 6 }] } }, "policy.quorumRules.0.approvals"],
    ["an unknown action type", { policy: { deniedActionTypes: ["reboot"] } }, "policy.deniedActionTypes.0"],
    [
      "a freeze window ending before it starts",
      {
        policy: {
          freezeWindows: [
            { start: "2026-05-02T00:00:00Z", end: "2026-05-01T00:00:00Z", environments: ["production"], reason: "x" },
          ],
        },
      },
      "policy.freezeWindows.0.end",
      "end must be after start",
    ],
    ["expectedVersion in the draft", { policy: { expectedVersion: 1 } }, "policy"],
    ["an unknown body key", { policy: {}, version: 3 }, ""],
  ];

  it.each(cases)("%s → 400 at its path", async (_, body, path, message) => {
    const { id, auth } = await org();
    await put(auth, { blockedEnvironments: ["dr"] });
    await history(id, rows(2, HOUR, { environment: "staging", policyVersion: 1 }));
    const before = await databaseDigest();
    const refused = await simulate(auth, body);
    expect(refused).toMatchObject({ status: 400, body: { statusCode: 400, error: "Bad Request" } });
    const issues = refused.body.issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path)).toContain(path);
    if (message) expect(issues).toContainEqual({ path, message });
    expect(await databaseDigest()).toEqual(before);
  });

  it("escalation ≤ reminder in the merged draft → 400 at policy.approvalEscalationMinutes; no version added", async () => {
    const { id, auth } = await org();
    await put(auth, { approvalReminderMinutes: 30 });
    await history(id, rows(2, HOUR, { environment: "staging", policyVersion: 1 }));
    const before = await databaseDigest();
    for (const policy of [
      { approvalEscalationMinutes: 30 }, // the reminder comes from the saved policy
      { approvalEscalationMinutes: 20 },
      { approvalReminderMinutes: 60, approvalEscalationMinutes: 45 },
    ]) {
      const refused = await simulate(auth, { policy });
      expect({ policy, status: refused.status }).toEqual({ policy, status: 400 });
      expect(refused.body.issues).toEqual([
        { path: "policy.approvalEscalationMinutes", message: expect.stringMatching(/approvalReminderMinutes/) },
      ]);
    }
    // Through the tRPC procedure the same.
    await expect(
      callerFor(id).policy.simulate({ policy: { approvalEscalationMinutes: 10 } } as never),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await databaseDigest()).toEqual(before);
    const versions = await rest("GET", "/remediation/policy/versions", { auth }).then((r) => r.json());
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1]);
    // A valid one with the same reminder is fine.
    expect(await simulated(auth, { policy: { approvalEscalationMinutes: 31 } })).toMatchObject({ changed: 0 });
  });

  it("simulating needs remediation:view, and remediation:view is enough", async () => {
    const { id } = await org();
    const forbidden = await simulate({ organizationId: id, permissions: ["remediation:request"] }, { policy: {} });
    expect(forbidden).toMatchObject({ status: 403, body: { message: "Missing permission: remediation:view" } });
    const viewer = await simulate({ organizationId: id, permissions: ["remediation:view"] }, { policy: {} });
    expect(viewer.status).toBe(200);
  });
});

// ── the replay agrees with the request path ──────────────────────────────────────────────────

const ENVIRONMENTS = ["production", "staging", "development", "qa"] as const;
const REQUESTS_PER_RUN = 250;
const RUNS = 4; // 1,000 requests in all
const CONCURRENCY = 8;

/** Runs `task` over `items`, at most `limit` at a time; results in order. */
async function bounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A random policy (a freeze window anywhere in the last 30 days, of a minute to 3 days). */
function policyArbitrary(t0: number) {
  const freezeWindow = fc
    .record({
      startAgo: fc.integer({ min: 0, max: 30 * DAY }),
      length: fc.integer({ min: MINUTE, max: 3 * DAY }),
      environments: fc.subarray([...ENVIRONMENTS], { minLength: 1 }),
    })
    .map(({ startAgo, length, environments }) => ({
      start: new Date(t0 - startAgo).toISOString(),
      end: new Date(t0 - startAgo + length).toISOString(),
      environments,
      reason: "random freeze",
    }));
  return fc.record({
    requireApprovalEnvironments: fc.subarray([...ENVIRONMENTS]),
    requireApprovalSeverities: fc.subarray([...SEVERITIES]),
    requireApprovalActionTypes: fc.subarray([...ACTION_TYPES], { maxLength: 2 }),
    blockedEnvironments: fc.subarray([...ENVIRONMENTS], { maxLength: 1 }),
    deniedActionTypes: fc.subarray([...ACTION_TYPES], { maxLength: 2 }),
    freezeWindows: fc.array(freezeWindow, { maxLength: 3 }),
  });
}

type RandomPolicy = ReturnType<typeof policyArbitrary> extends fc.Arbitrary<infer P> ? P : never;

/** When a request is made: anywhere in the window, or on (±1 ms) an edge of one of its policy's freeze windows. */
const whenArbitrary = fc.record({
  ago: fc.integer({ min: 1_000, max: 30 * DAY - HOUR }),
  edge: fc.option(
    fc.record({
      window: fc.nat(2),
      edge: fc.constantFrom("start" as const, "end" as const),
      delta: fc.constantFrom(-1, 0, 1),
    }),
    { freq: 2 },
  ),
});

const requestArbitrary = fc.record({
  environment: fc.constantFrom(...ENVIRONMENTS),
  severity: fc.constantFrom(...SEVERITIES),
  actionType: fc.constantFrom(...ACTION_TYPES),
  when: whenArbitrary,
  /** Which of the run's policy versions is in force when it is made (mod their number). */
  phase: fc.nat(2),
});

type RandomRequest = typeof requestArbitrary extends fc.Arbitrary<infer R> ? R : never;

function requestedAt({ when }: RandomRequest, policy: RandomPolicy, t0: number): number {
  let at = t0 - when.ago;
  if (when.edge && policy.freezeWindows.length > 0) {
    const window = policy.freezeWindows[when.edge.window % policy.freezeWindows.length]!;
    at = Date.parse(window[when.edge.edge]) + when.edge.delta;
  }
  // Inside the simulated window (the last 30 days), never in the future.
  return Math.min(t0 - 1_000, Math.max(t0 - 30 * DAY + HOUR, at));
}

describe("the replay is the request path's evaluation", () => {
  it(`property: ${RUNS * REQUESTS_PER_RUN} random requests made through the request use case; the replay's before is each one's stored outcome`, async () => {
    const t0 = Date.now();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(policyArbitrary(t0), { minLength: 2, maxLength: 3 }),
        fc.record({
          blockedEnvironments: fc.subarray([...ENVIRONMENTS], { maxLength: 1 }),
          deniedActionTypes: fc.subarray([...ACTION_TYPES], { maxLength: 1 }),
        }),
        fc.array(requestArbitrary, { minLength: REQUESTS_PER_RUN, maxLength: REQUESTS_PER_RUN }),
        async (versions, global, requests) => {
          // Every other run keeps one version for all its requests (then `{}` must change nothing).
          const policies = run++ % 2 === 0 ? versions.slice(0, 1) : versions;
          const guardrails = testGuardrails(global);
          const { id, auth } = await org("prop");
          const incidentId = await createIncident(id);
          const context = { db: db(), scope: orgScope(id), principal: principalFor(id), guardrails };
          const stored = new Map<string, { status: string; phase: number; version: number }>();
          let refused = 0;
          // Phase by phase: save the phase's policy (the next version), then make its requests.
          for (const [phase, policy] of policies.entries()) {
            const { version } = await put(auth, policy);
            expect(version).toBe(phase + 1);
            const mine = requests.filter((r) => r.phase % policies.length === phase);
            const made = await bounded(mine, CONCURRENCY, async (r) => {
              const input = actionRequestInput.parse({
                incidentId,
                actionType: r.actionType,
                parameters: PARAMETERS[r.actionType],
                environment: r.environment,
                severity: r.severity,
              });
              const at = new Date(requestedAt(r, policy, t0));
              try {
                return (await requestAction(context, input, at)).action;
              } catch (error) {
                // A denied request is a 422 and stores nothing.
                expect(error).toMatchObject({ code: "POLICY_DENIED" });
                return null;
              }
            });
            for (const action of made) {
              if (!action) refused += 1;
              else stored.set(action.id, { status: action.status, phase, version: phase + 1 });
            }
          }

          // What the database holds: each stored request as made, judged by its phase's version.
          const rowsInDb = await db().$queryRaw<{ id: string; status: string; policyVersion: number | null }[]>`
            SELECT id, status::text AS status, "policyVersion" FROM remediation_actions WHERE "organizationId" = ${id}`;
          expect(rowsInDb.length + refused).toBe(REQUESTS_PER_RUN);
          expect(rowsInDb.length).toBe(stored.size);
          for (const row of rowsInDb) {
            expect({ id: row.id, status: row.status, policyVersion: row.policyVersion }).toEqual({
              id: row.id,
              status: stored.get(row.id)?.status,
              policyVersion: stored.get(row.id)?.version,
            });
          }
          const storedCounts = counts({});
          for (const { status } of stored.values()) storedCounts[status as Outcome] += 1;

          // `{}`: before counts are the stored outcomes; the current version's own requests never change.
          const current = await simulated(auth, { policy: {}, sampleLimit: 500 }, guardrails);
          expect(current).toMatchObject({
            basedOnVersion: policies.length,
            evaluated: stored.size,
            before: storedCounts,
          });
          const lastPhase = policies.length - 1;
          for (const sample of current.samples) expect(stored.get(sample.actionId)?.phase).not.toBe(lastPhase);
          if (policies.length === 1) {
            expect(current).toMatchObject({ changed: 0, after: storedCounts, transitions: {}, samples: [] });
          }

          // Per request: a draft denying every type changes every request, so each is a sample
          // carrying its `before`, which must be the outcome stored when it was made.
          const denyAll = await simulated(
            auth,
            { policy: { deniedActionTypes: [...ACTION_TYPES] }, sampleLimit: 500 },
            guardrails,
          );
          expect(denyAll).toMatchObject({ evaluated: stored.size, changed: stored.size });
          const disagreements = denyAll.samples
            .filter((s: { actionId: string; before: string }) => stored.get(s.actionId)?.status !== s.before)
            .map((s: { actionId: string; before: string; createdAt: string; environment: string }) => ({
              ...s,
              stored: stored.get(s.actionId),
            }));
          expect(disagreements).toEqual([]);
          expect(new Set(denyAll.samples.map((s: { actionId: string }) => s.actionId))).toEqual(new Set(stored.keys()));
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 300_000);
});
