// Approval-governance fields of the policy (docs/behaviour.md#governance-policy): validation (400 with the issue's
// path, nothing stored), defaults, partial updates merged onto the saved policy, and the version.
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { databaseDigest } from "@/server/db/simulate";
import { callerFor, rest } from "@/test/calls";
import { createIncident, createOrganization, requestBody } from "@/test/factories";

const ADMIN = "admin-1";

/** The policy an organization has before anyone saved one (docs/behaviour.md#governance-policy), as GET answers it. */
const DEFAULT_GOVERNED_POLICY = {
  requireApprovalEnvironments: ["production"],
  requireApprovalSeverities: ["CRITICAL"],
  requireApprovalActionTypes: [],
  blockedEnvironments: [],
  deniedActionTypes: [],
  freezeWindows: [],
  quorumRules: [],
  separationOfDuties: true,
  pendingApprovalTtlMinutes: 1440,
  overrideReviewHours: 24,
  approvalReminderMinutes: null,
  approvalEscalationMinutes: null,
  approvalNotifyEmails: [],
  version: 0,
  updatedBy: null,
  updatedAt: null,
};

async function org() {
  const id = await createOrganization("gpol");
  return { id, auth: { organizationId: id, sub: ADMIN } };
}

type Auth = Awaited<ReturnType<typeof org>>["auth"];

async function put(auth: Auth, body: unknown) {
  const res = await rest("PUT", "/remediation/policy", { auth, body });
  return { status: res.status, body: await res.json() };
}

async function getPolicy(auth: Auth) {
  const res = await rest("GET", "/remediation/policy", { auth });
  expect(res.status).toBe(200);
  return res.json();
}

/** The PUT is refused with 400, an issue at `path`, and not one row of any table changed. */
async function expectRefused(auth: Auth, body: unknown, path: string) {
  const before = await databaseDigest();
  const { status, body: answer } = await put(auth, body);
  expect({ status, answer }).toMatchObject({
    status: 400,
    answer: { statusCode: 400, error: "Bad Request" },
  });
  expect(answer.issues.map((i: { path: string }) => i.path)).toContain(path);
  expect(await databaseDigest()).toEqual(before);
  return answer;
}

describe("defaults and version", () => {
  it("GET before any save: every governance default, version 0, no author, no time (REST and tRPC alike)", async () => {
    const { id, auth } = await org();
    expect(await getPolicy(auth)).toEqual(DEFAULT_GOVERNED_POLICY);
    expect(await callerFor(id).policy.get()).toEqual(DEFAULT_GOVERNED_POLICY);
  });

  it("each save bumps the version and records who saved it and when; other fields keep their value", async () => {
    const { auth } = await org();
    const before = Date.now();
    const first = await put(auth, { quorumRules: [{ environments: ["production"], approvals: 2 }] });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ...DEFAULT_GOVERNED_POLICY,
      quorumRules: [{ environments: ["production"], approvals: 2 }],
      version: 1,
      updatedBy: ADMIN,
      updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(Date.parse(first.body.updatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(await getPolicy(auth)).toEqual(first.body);

    const second = await put(
      { ...auth, sub: "admin-2" },
      { separationOfDuties: false, pendingApprovalTtlMinutes: 60, overrideReviewHours: 48 },
    );
    expect(second.body).toEqual({
      ...first.body,
      separationOfDuties: false,
      pendingApprovalTtlMinutes: 60,
      overrideReviewHours: 48,
      version: 2,
      updatedBy: "admin-2",
      updatedAt: expect.any(String),
    });
    // Saving the same values again is still a save: a new version.
    expect((await put(auth, { overrideReviewHours: 48 })).body).toMatchObject({ version: 3, updatedBy: ADMIN });
    const row = await db().organizationPolicy.findUniqueOrThrow({ where: { organizationId: auth.organizationId } });
    expect(row.version).toBe(3);
  });

  it("a refused PUT keeps the version", async () => {
    const { auth } = await org();
    await put(auth, { overrideReviewHours: 12 });
    await expectRefused(auth, { overrideReviewHours: 0 }, "overrideReviewHours");
    expect(await getPolicy(auth)).toMatchObject({ overrideReviewHours: 12, version: 1 });
  });
});

describe("quorumRules", () => {
  it("a rule with no lists (matches every action) is fine; lists are kept de-duplicated", async () => {
    const { auth } = await org();
    const { status, body } = await put(auth, {
      quorumRules: [
        { approvals: 2 },
        {
          environments: ["production", "production"],
          severities: ["CRITICAL"],
          actionTypes: ["scale-service"],
          approvals: 5,
        },
      ],
    });
    expect(status).toBe(200);
    expect(body.quorumRules).toEqual([
      { approvals: 2 },
      { environments: ["production"], severities: ["CRITICAL"], actionTypes: ["scale-service"], approvals: 5 },
    ]);
    expect((await getPolicy(auth)).quorumRules).toEqual(body.quorumRules);
  });

  it.each([
    [6, "above 5"],
    [0, "below 1"],
    [2.5, "not a whole number"],
    ["2", "not a number"],
  ])("approvals %s (%s) → 400 at quorumRules.0.approvals", async (approvals, _what) => {
    const { auth } = await org();
    await expectRefused(auth, { quorumRules: [{ approvals }] }, "quorumRules.0.approvals");
  });

  it("a missing approvals → 400 at quorumRules.1.approvals", async () => {
    const { auth } = await org();
    await expectRefused(auth, { quorumRules: [{ approvals: 2 }, { environments: ["dr"] }] }, "quorumRules.1.approvals");
  });

  it.each(["environments", "severities", "actionTypes"])(
    "an empty %s list → 400 (it would match nothing)",
    async (list) => {
      const { auth } = await org();
      await expectRefused(auth, { quorumRules: [{ [list]: [], approvals: 2 }] }, `quorumRules.0.${list}`);
    },
  );

  it("invalid values in a list and unknown keys → 400", async () => {
    const { auth } = await org();
    await expectRefused(
      auth,
      { quorumRules: [{ actionTypes: ["reboot"], approvals: 2 }] },
      "quorumRules.0.actionTypes.0",
    );
    await expectRefused(
      auth,
      { quorumRules: [{ severities: ["URGENT"], approvals: 2 }] },
      "quorumRules.0.severities.0",
    );
    await expectRefused(
      auth,
      { quorumRules: [{ environments: ["Prod"], approvals: 2 }] },
      "quorumRules.0.environments.0",
    );
    const unknown = await expectRefused(auth, { quorumRules: [{ approvals: 2, teams: ["sre"] }] }, "quorumRules.0");
    expect(unknown.issues).toHaveLength(1);
  });

  it("at most 20 rules: 20 are saved, 21 → 400 at quorumRules", async () => {
    const { auth } = await org();
    const rule = { approvals: 2 };
    expect((await put(auth, { quorumRules: Array(20).fill(rule) })).status).toBe(200);
    await expectRefused(auth, { quorumRules: Array(21).fill(rule) }, "quorumRules");
    expect((await getPolicy(auth)).quorumRules).toHaveLength(20);
  });
});

describe("scalar governance fields", () => {
  it.each([
    ["pendingApprovalTtlMinutes", 4],
    ["pendingApprovalTtlMinutes", 43_201],
    ["pendingApprovalTtlMinutes", 30.5],
    ["pendingApprovalTtlMinutes", "60"],
    ["overrideReviewHours", 0],
    ["overrideReviewHours", 169],
    ["overrideReviewHours", null],
    ["approvalReminderMinutes", 0],
    ["approvalReminderMinutes", 1441],
    ["approvalEscalationMinutes", 0],
    ["approvalEscalationMinutes", 10_081],
    ["separationOfDuties", "yes"],
    ["separationOfDuties", null],
  ])("%s = %j → 400 at that field", async (field, value) => {
    const { auth } = await org();
    await expectRefused(auth, { [field]: value }, field);
  });

  it("bounds are inclusive; null TTL, reminder and escalation are accepted", async () => {
    const { auth } = await org();
    for (const body of [
      {
        pendingApprovalTtlMinutes: 5,
        overrideReviewHours: 1,
        approvalReminderMinutes: 1,
        approvalEscalationMinutes: 2,
      },
      {
        pendingApprovalTtlMinutes: 43_200,
        overrideReviewHours: 168,
        approvalReminderMinutes: 1440,
        approvalEscalationMinutes: 10_080,
      },
      { pendingApprovalTtlMinutes: null, approvalReminderMinutes: null, approvalEscalationMinutes: null },
    ]) {
      const { status, body: saved } = await put(auth, body);
      expect(status, JSON.stringify(body)).toBe(200);
      expect(saved).toMatchObject(body);
    }
    expect(await getPolicy(auth)).toMatchObject({
      pendingApprovalTtlMinutes: null,
      overrideReviewHours: 168,
      approvalReminderMinutes: null,
      approvalEscalationMinutes: null,
    });
  });
});

describe("reminder and escalation, checked after the merge", () => {
  it("escalation ≤ reminder → 400 on approvalEscalationMinutes, whichever field the PUT sends", async () => {
    const { auth } = await org();
    // Both in one body.
    const both = await expectRefused(
      auth,
      { approvalReminderMinutes: 60, approvalEscalationMinutes: 60 },
      "approvalEscalationMinutes",
    );
    expect(both.issues).toHaveLength(1);

    expect((await put(auth, { approvalReminderMinutes: 60 })).status).toBe(200);
    // The escalation alone, merged onto the saved reminder: equal and smaller are refused.
    await expectRefused(auth, { approvalEscalationMinutes: 60 }, "approvalEscalationMinutes");
    await expectRefused(auth, { approvalEscalationMinutes: 30 }, "approvalEscalationMinutes");
    expect((await put(auth, { approvalEscalationMinutes: 61 })).body).toMatchObject({
      approvalReminderMinutes: 60,
      approvalEscalationMinutes: 61,
    });
    // The reminder alone, moved past the saved escalation: the issue is still the escalation's.
    await expectRefused(auth, { approvalReminderMinutes: 90 }, "approvalEscalationMinutes");
    // Either one alone is fine.
    expect((await put(auth, { approvalReminderMinutes: null })).status).toBe(200);
    expect((await put(auth, { approvalReminderMinutes: 90, approvalEscalationMinutes: null })).status).toBe(200);
    expect(await getPolicy(auth)).toMatchObject({ approvalReminderMinutes: 90, approvalEscalationMinutes: null });
  });
});

describe("approvalNotifyEmails", () => {
  it("lower-cased and de-duplicated (first occurrence kept)", async () => {
    const { auth } = await org();
    const { status, body } = await put(auth, {
      approvalNotifyEmails: ["Ops@Example.com", "sre@example.com", "ops@example.COM", "SRE@example.com"],
    });
    expect(status).toBe(200);
    expect(body.approvalNotifyEmails).toEqual(["ops@example.com", "sre@example.com"]);
    expect((await getPolicy(auth)).approvalNotifyEmails).toEqual(["ops@example.com", "sre@example.com"]);
  });

  it("an invalid address or more than 20 → 400", async () => {
    const { auth } = await org();
    await expectRefused(auth, { approvalNotifyEmails: ["ops@example.com", "not-an-email"] }, "approvalNotifyEmails.1");
    const many = Array.from({ length: 21 }, (_, i) => `ops${i}@example.com`);
    await expectRefused(auth, { approvalNotifyEmails: many }, "approvalNotifyEmails");
    expect((await put(auth, { approvalNotifyEmails: many.slice(0, 20) })).status).toBe(200);
  });
});

describe("the TTL on new actions", () => {
  it("TTL null → a pending action's expiresAt is null; TTL n → createdAt + n minutes; a queued one has none", async () => {
    const { id, auth } = await org();
    const incidentId = await createIncident(id);
    const request = async (overrides: Record<string, unknown> = {}) => {
      const res = await rest("POST", "/remediation/request", {
        auth,
        body: requestBody(incidentId, { environment: "production", ...overrides }),
      });
      expect(res.status).toBe(201);
      return res.json();
    };

    await put(auth, { pendingApprovalTtlMinutes: null });
    const never = await request();
    expect(never).toMatchObject({ status: "PENDING_APPROVAL", expiresAt: null, requiredApprovals: 1 });

    await put(auth, { pendingApprovalTtlMinutes: 5 });
    const soon = await request();
    expect(soon.status).toBe("PENDING_APPROVAL");
    expect(Date.parse(soon.expiresAt) - Date.parse(soon.createdAt)).toBe(5 * 60_000);

    const queued = await request({ environment: "staging" });
    expect(queued).toMatchObject({ status: "QUEUED", expiresAt: null });

    const stored = await db().remediationAction.findUniqueOrThrow({ where: { id: never.id } });
    expect(stored.expiresAt).toBeNull();
  });
});
