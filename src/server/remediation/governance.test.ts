// Approval governance (docs/behaviour.md#governance) through the real REST adapter with real bearer
// tokens: votes and quorum, separation of duties, the order of the checks on approve, the
// approval context and its version, guardrail overrides by several approvers, the lazy expiry
// path, and N approvers at once against a real worker and webhook stand-in.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { databaseDigest } from "@/server/db/simulate";
import { callerFor, rest } from "@/test/calls";
import {
  eventTypes,
  jobCount,
  json,
  loadAction,
  startExecutionWorker,
  startReceiver,
  waitFor,
  waitForTerminal,
} from "@/test/execution-fixtures";
import {
  approverId,
  approverOf,
  createAction,
  createExpiredAction,
  createIncident,
  createOrganization,
  principalFor,
  requestBody,
} from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";
import { approveAction } from "./approve-action";

const REQUESTER = "requester-1";
const ADMIN = "admin-1";
const SOD_MESSAGE = "Separation of duties: the requester of an action cannot approve it.";
const STALE_MESSAGE = "The approval context changed since it was shown; review the action again.";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

type Body = Record<string, unknown>;
type Who = string | { organizationId: string; sub: string };

/** A fresh organization with an OPEN HIGH production incident (with an externalId) and, optionally, a saved policy. */
async function governed(policy: Body = {}) {
  const org = await createOrganization("gov");
  const externalId = `PD-${randomUUID().slice(0, 8)}`;
  const incidentId = await createIncident(org, { externalId, environment: "production", severity: "HIGH" });
  if (Object.keys(policy).length > 0) await savePolicy(org, policy);
  return { org, incidentId, externalId };
}

async function savePolicy(org: string, body: Body) {
  const res = await rest("PUT", "/remediation/policy", { auth: { organizationId: org, sub: ADMIN }, body });
  const saved = await res.json();
  expect(res.status, JSON.stringify(saved)).toBe(200);
  return saved;
}

/** POST /remediation/request by REQUESTER: production, so it needs approval under the default policy. */
async function requestAction(org: string, incidentId: string, overrides: Body = {}) {
  const res = await rest("POST", "/remediation/request", {
    auth: { organizationId: org, sub: REQUESTER },
    body: requestBody(incidentId, { environment: "production", ...overrides }),
  });
  const row = await res.json();
  expect(res.status, JSON.stringify(row)).toBe(201);
  return row;
}

async function call(method: string, path: string, org: string, who: Who, body?: Body) {
  const auth = typeof who === "string" ? { organizationId: org, sub: who } : who;
  const res = await rest(method, path, { auth, body });
  return { status: res.status, body: await res.json() };
}

/** POST /remediation/:id/approve as `who` (a user id of `org`, or REST auth): { status, body }. */
const approve = (org: string, id: string, who: Who, body?: Body) =>
  call("POST", `/remediation/${id}/approve`, org, who, body);

const reject = (org: string, id: string, who: Who, body?: Body) =>
  call("POST", `/remediation/${id}/reject`, org, who, body);

async function getAction(org: string, id: string) {
  const { status, body } = await call("GET", `/remediation/${id}`, org, ADMIN);
  expect(status).toBe(200);
  return body;
}

const contextOf = async (org: string, id: string) => (await getAction(org, id)).approvalContext;

/** The votes stored for the action (every context version), oldest first. */
const votesOf = (actionId: string) =>
  db().approvalVote.findMany({ where: { actionId }, orderBy: [{ createdAt: "asc" }, { actor: "asc" }] });

const conflict = { status: 409, body: { statusCode: 409, error: "Conflict", message: STALE_MESSAGE } };
const forbidden = { status: 403, body: { statusCode: 403, error: "Forbidden", message: SOD_MESSAGE } };

/** Runs `send` and checks that not one row of any table changed. */
async function expectNothingWritten<T>(send: () => Promise<T>): Promise<T> {
  const before = await databaseDigest();
  const result = await send();
  expect(await databaseDigest()).toEqual(before);
  return result;
}

/** The incident upserted by POST /incidents with the same externalId (severity and/or status changed). */
async function upsertIncident(org: string, externalId: string, fields: Body) {
  const res = await call("POST", "/incidents", org, ADMIN, {
    title: "API latency",
    serviceName: "api-gateway",
    environment: "production",
    severity: "HIGH",
    externalId,
    ...fields,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("required approvals (quorum rules)", () => {
  it("the largest approvals among the rules that match; a rule matches only when every list it has holds the value", async () => {
    const { org, incidentId } = await governed({
      // Every action of these environments waits for approval, so each row below is pending.
      requireApprovalEnvironments: ["production", "staging"],
      quorumRules: [
        { environments: ["production"], approvals: 2 },
        { environments: ["production"], severities: ["CRITICAL"], approvals: 4 },
        { actionTypes: ["scale-service"], approvals: 3 },
        { environments: ["staging"], severities: ["CRITICAL"], actionTypes: ["clear-cache"], approvals: 5 },
      ],
    });
    const scale = { actionType: "scale-service", parameters: { service: "api-gateway", replicas: 3 } };
    const clear = { actionType: "clear-cache", parameters: { service: "api-gateway" } };
    const cases: [Body, number][] = [
      [{ severity: "HIGH" }, 2],
      [{ severity: "CRITICAL" }, 4],
      [{ severity: "HIGH", ...scale }, 3],
      [{ severity: "CRITICAL", ...scale }, 4],
      [{ environment: "staging", severity: "HIGH" }, 1],
      [{ environment: "staging", severity: "HIGH", ...scale }, 3],
      [{ environment: "staging", severity: "CRITICAL", ...clear }, 5],
      // One list of the 5-rule does not hold the value: it does not match.
      [{ environment: "staging", severity: "HIGH", ...clear }, 1],
      [{ environment: "staging", severity: "CRITICAL" }, 1],
    ];
    for (const [overrides, expected] of cases) {
      const row = await requestAction(org, incidentId, overrides);
      const what = JSON.stringify(overrides);
      expect(row.status, what).toBe("PENDING_APPROVAL");
      expect(row.requiredApprovals, what).toBe(expected);
      expect((await db().remediationAction.findUniqueOrThrow({ where: { id: row.id } })).requiredApprovals, what).toBe(
        expected,
      );
      expect((await contextOf(org, row.id)).requiredApprovals, what).toBe(expected);
    }
  });

  it("a rule with no lists matches every action", async () => {
    const { org, incidentId } = await governed({
      requireApprovalEnvironments: ["production", "staging"],
      quorumRules: [{ approvals: 3 }],
    });
    for (const overrides of [{}, { environment: "staging", severity: "LOW" }]) {
      expect((await requestAction(org, incidentId, overrides)).requiredApprovals).toBe(3);
    }
  });

  it("a policy change after the request changes neither that action's requiredApprovals nor its expiresAt", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 2 }], pendingApprovalTtlMinutes: 60 });
    const row = await requestAction(org, incidentId);
    expect(row.requiredApprovals).toBe(2);
    expect(Date.parse(row.expiresAt) - Date.parse(row.createdAt)).toBe(60 * 60_000);

    await savePolicy(org, { quorumRules: [{ approvals: 5 }], pendingApprovalTtlMinutes: null });
    const after = await getAction(org, row.id);
    expect(after).toMatchObject({ requiredApprovals: 2, expiresAt: row.expiresAt });
    expect(after.approvalContext).toMatchObject({ requiredApprovals: 2, expiresAt: row.expiresAt });
    // A new request gets the new terms.
    expect(await requestAction(org, incidentId)).toMatchObject({ requiredApprovals: 5, expiresAt: null });
    // The first still takes exactly two votes.
    expect((await approve(org, row.id, approverId(1))).body).toEqual({
      status: "PENDING_APPROVAL",
      approvals: 1,
      requiredApprovals: 2,
    });
    expect((await approve(org, row.id, approverId(2))).body).toEqual({
      status: "QUEUED",
      approvals: 2,
      requiredApprovals: 2,
    });
  });
});

describe("votes", () => {
  it("quorum 2: the first vote is recorded (APPROVAL_RECORDED), the second distinct approver queues it (APPROVED only), one job", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ environments: ["production"], approvals: 2 }] });
    const row = await requestAction(org, incidentId);

    expect(await approve(org, row.id, approverId(1), { reason: "Runbook checked" })).toEqual({
      status: 200,
      body: { status: "PENDING_APPROVAL", approvals: 1, requiredApprovals: 2 },
    });
    let action = await loadAction(org, row.id);
    expect(action.status).toBe("PENDING_APPROVAL");
    expect(action.events.map((e) => e.type)).toEqual(["REQUESTED", "APPROVAL_RECORDED"]);
    expect(action.events[1]).toMatchObject({
      actor: approverId(1),
      data: { reason: "Runbook checked", approvals: 1, requiredApprovals: 2 },
    });
    expect(await jobCount(row.id)).toBe(0);

    expect(await approve(org, row.id, approverId(2))).toEqual({
      status: 200,
      body: { status: "QUEUED", approvals: 2, requiredApprovals: 2 },
    });
    action = await loadAction(org, row.id);
    expect(action.status).toBe("QUEUED");
    expect(action.events.map((e) => e.type)).toEqual(["REQUESTED", "APPROVAL_RECORDED", "APPROVED"]);
    expect(action.events[2]).toMatchObject({ actor: approverId(2), data: { reason: null } });
    expect(action.details.approval).toMatchObject({ actor: approverId(2), override: false, violations: [] });
    expect(await jobCount(row.id)).toBe(1);
    expect((await votesOf(row.id)).map((v) => [v.actor, v.reason])).toEqual([
      [approverId(1), "Runbook checked"],
      [approverId(2), null],
    ]);
  });

  it("quorum 1 is the single approval of old: one vote queues it (the answer adds the counts)", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect(row.requiredApprovals).toBe(1);
    expect((await approve(org, row.id, approverId(1))).body).toEqual({
      status: "QUEUED",
      approvals: 1,
      requiredApprovals: 1,
    });
    expect(await eventTypes(org, row.id)).toEqual(["REQUESTED", "APPROVED"]);
    expect(await jobCount(row.id)).toBe(1);
  });

  it("a second vote by the same principal on the same version: 200 with the current state, nothing written", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 2 }] });
    const row = await requestAction(org, incidentId);
    await approve(org, row.id, approverId(1), { reason: "first" });
    const again = await expectNothingWritten(() => approve(org, row.id, approverId(1), { reason: "second" }));
    expect(again).toEqual({ status: 200, body: { status: "PENDING_APPROVAL", approvals: 1, requiredApprovals: 2 } });
    // Also with the current context version, and through tRPC.
    const { version } = await contextOf(org, row.id);
    const viaCaller = await expectNothingWritten(() =>
      callerFor(org, { userId: approverId(1) }).remediation.approve({ id: row.id, contextVersion: version }),
    );
    expect(viaCaller).toEqual({ status: "PENDING_APPROVAL", approvals: 1, requiredApprovals: 2 });
    expect(await votesOf(row.id)).toHaveLength(1);
    expect(await eventTypes(org, row.id)).toEqual(["REQUESTED", "APPROVAL_RECORDED"]);
  });

  it("a vote with a token of another organization: 404, nothing written", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 2 }] });
    const row = await requestAction(org, incidentId);
    const stranger = approverOf(await createOrganization("stranger"));
    // The stranger's organization is provisioned on first use: do that before comparing.
    expect((await call("GET", "/remediation/actions", org, stranger)).body).toEqual([]);
    const answer = await expectNothingWritten(() => approve(org, row.id, stranger, { reason: "not mine" }));
    expect(answer).toMatchObject({ status: 404, body: { statusCode: 404, error: "Not Found" } });
    expect(await votesOf(row.id)).toEqual([]);
  });

  it("a reject ends the action at once, votes or not", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 3 }] });
    const row = await requestAction(org, incidentId);
    await approve(org, row.id, approverId(1));
    await approve(org, row.id, approverId(2));
    expect(await reject(org, row.id, approverId(3), { reason: "not now" })).toEqual({
      status: 200,
      body: { status: "REJECTED" },
    });
    expect(await eventTypes(org, row.id)).toEqual(["REQUESTED", "APPROVAL_RECORDED", "APPROVAL_RECORDED", "REJECTED"]);
    expect((await approve(org, row.id, approverId(4))).body).toEqual({ status: "REJECTED" });
    expect(await jobCount(row.id)).toBe(0);
  });
});

describe("separation of duties", () => {
  it("on by default: the requester's approval is 403 with the exact message, nothing written (REST and tRPC)", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect(row.performedBy).toBe(REQUESTER);
    expect(await expectNothingWritten(() => approve(org, row.id, REQUESTER, { reason: "my own" }))).toEqual(forbidden);
    await expectNothingWritten(() =>
      expect(callerFor(org, { userId: REQUESTER }).remediation.approve({ id: row.id })).rejects.toMatchObject({
        code: "FORBIDDEN",
        message: SOD_MESSAGE,
      }),
    );
    expect((await getAction(org, row.id)).status).toBe("PENDING_APPROVAL");
  });

  it("separationOfDuties false: the requester may approve", async () => {
    const { org, incidentId } = await governed({ separationOfDuties: false });
    const row = await requestAction(org, incidentId);
    expect((await approve(org, row.id, REQUESTER)).body).toEqual({
      status: "QUEUED",
      approvals: 1,
      requiredApprovals: 1,
    });
    expect(await loadAction(org, row.id)).toMatchObject({
      status: "QUEUED",
      events: [{ type: "REQUESTED" }, { type: "APPROVED", actor: REQUESTER }],
    });
  });

  it("the requester may reject (withdraw) their own request", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect(await reject(org, row.id, REQUESTER, { reason: "wrong service" })).toEqual({
      status: 200,
      body: { status: "REJECTED" },
    });
    expect(await loadAction(org, row.id)).toMatchObject({
      status: "REJECTED",
      details: { rejection: { actor: REQUESTER, reason: "wrong service" } },
    });
  });

  it("turning it off applies to actions already pending (the current policy decides)", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect(await approve(org, row.id, REQUESTER)).toEqual(forbidden);
    await savePolicy(org, { separationOfDuties: false });
    expect((await approve(org, row.id, REQUESTER)).body).toMatchObject({ status: "QUEUED" });
  });
});

describe("order of the checks on approve", () => {
  it("not pending comes before separation of duties and contextVersion: 200 with the current status", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    await approve(org, row.id, approverId(1));
    expect(await expectNothingWritten(() => approve(org, row.id, REQUESTER))).toEqual({
      status: 200,
      body: { status: "QUEUED" },
    });
    const completed = await createAction(org, { status: "COMPLETED", performedBy: REQUESTER });
    expect(await approve(org, completed, REQUESTER)).toEqual({ status: 200, body: { status: "COMPLETED" } });
    // …and before contextVersion.
    expect(await approve(org, completed, approverId(1), { contextVersion: "stale" })).toEqual({
      status: 200,
      body: { status: "COMPLETED" },
    });
  });

  it("expiry comes before separation of duties and contextVersion: an expired action approved by its requester → 200 REJECTED", async () => {
    const { org } = await governed();
    const id = await createExpiredAction(org, { performedBy: REQUESTER });
    expect(await approve(org, id, REQUESTER)).toEqual({ status: 200, body: { status: "REJECTED" } });
    expect(await eventTypes(org, id)).toEqual(["REQUESTED", "EXPIRED"]);
    // …and before contextVersion.
    const other = await createExpiredAction(org);
    expect(await approve(org, other, approverId(1), { contextVersion: "stale" })).toEqual({
      status: 200,
      body: { status: "REJECTED" },
    });
    expect(await eventTypes(org, other)).toEqual(["REQUESTED", "EXPIRED"]);
  });

  it("404 comes before expiry: another organization's expired action stays as it is", async () => {
    const { org } = await governed();
    const id = await createExpiredAction(org);
    const stranger = approverOf(await createOrganization("stranger"));
    expect((await approve(org, id, stranger)).status).toBe(404);
    expect((await reject(org, id, stranger)).status).toBe(404);
    expect(await loadAction(org, id)).toMatchObject({ status: "PENDING_APPROVAL", events: [{ type: "REQUESTED" }] });
  });

  it("separation of duties comes before contextVersion: the requester with a stale version → 403, not 409", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect(await approve(org, row.id, REQUESTER, { contextVersion: "stale" })).toEqual(forbidden);
  });

  it("contextVersion comes before the repeated vote: a principal who voted, with a stale version → 409", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 2 }] });
    const row = await requestAction(org, incidentId);
    await approve(org, row.id, approverId(1));
    expect(await approve(org, row.id, approverId(1), { contextVersion: "stale" })).toEqual(conflict);
  });

  it("a body of the wrong shape is 400 before anything else (contextVersion must be a string)", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    const answer = await expectNothingWritten(() => approve(org, row.id, approverId(1), { contextVersion: 7 }));
    expect(answer).toMatchObject({ status: 400, body: { statusCode: 400, error: "Bad Request" } });
    expect(answer.body.issues.map((i: { path: string }) => i.path)).toEqual(["contextVersion"]);
  });
});

describe("contextVersion", () => {
  it("a stale version → 409 with the exact message, nothing recorded", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 2 }] });
    const row = await requestAction(org, incidentId);
    const shown = (await contextOf(org, row.id)).version;
    await savePolicy(org, { approvalNotifyEmails: ["ops@example.com"] });
    expect(await expectNothingWritten(() => approve(org, row.id, approverId(1), { contextVersion: shown }))).toEqual(
      conflict,
    );
    await expectNothingWritten(() =>
      expect(
        callerFor(org, { userId: approverId(1) }).remediation.approve({ id: row.id, contextVersion: shown }),
      ).rejects.toMatchObject({ code: "CONFLICT", message: STALE_MESSAGE }),
    );
    expect(await votesOf(row.id)).toEqual([]);
  });

  it.each([
    ["x", "x"],
    ["empty", ""],
    ["very long", "v".repeat(20_000)],
    ["unicode", "версия-✓"],
  ])("a malformed version (%s) is stale: 409, not 500, nothing recorded", async (_what, contextVersion) => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect(await expectNothingWritten(() => approve(org, row.id, approverId(1), { contextVersion }))).toEqual(conflict);
  });

  it("without contextVersion the vote works as before; with the current one too", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 2 }] });
    const row = await requestAction(org, incidentId);
    expect((await approve(org, row.id, approverId(1))).body).toEqual({
      status: "PENDING_APPROVAL",
      approvals: 1,
      requiredApprovals: 2,
    });
    const { version } = await contextOf(org, row.id);
    expect((await approve(org, row.id, approverId(2), { contextVersion: version })).body).toEqual({
      status: "QUEUED",
      approvals: 2,
      requiredApprovals: 2,
    });
    expect((await votesOf(row.id)).map((v) => v.contextVersion)).toEqual([version, version]);
  });

  it("the version is stable while nothing changes, and the same on the action, the list and the history", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 3 }] });
    const row = await requestAction(org, incidentId);
    const first = await contextOf(org, row.id);
    await approve(org, row.id, approverId(1));
    // A vote is not a change of what is judged.
    const second = await contextOf(org, row.id);
    expect(second.version).toBe(first.version);
    const listed = (await call("GET", "/remediation/actions", org, ADMIN)).body.find((r: Body) => r.id === row.id);
    const history = (await call("GET", `/remediation/history/${incidentId}`, org, ADMIN)).body.find(
      (r: Body) => r.id === row.id,
    );
    expect(listed.approvalContext).toEqual(second);
    expect(history.approvalContext).toEqual(second);
  });
});

describe("what changes the context version", () => {
  /** A quorum-2 pending action with one vote (approver-1) on the version shown. */
  async function withOneVote(policy: Body = {}) {
    const setup = await governed({ quorumRules: [{ approvals: 2 }], ...policy });
    const row = await requestAction(setup.org, setup.incidentId);
    const shown = await contextOf(setup.org, row.id);
    expect((await approve(setup.org, row.id, approverId(1), { contextVersion: shown.version })).body).toEqual({
      status: "PENDING_APPROVAL",
      approvals: 1,
      requiredApprovals: 2,
    });
    return { ...setup, row, shown };
  }

  /**
   * After the change: a new version, the earlier vote neither counted nor listed, the old version
   * refused (409), and approver-1 may vote again on the new one (still one vote of two).
   */
  async function expectNewVersion(org: string, id: string, shown: { version: string }) {
    const now = await contextOf(org, id);
    expect(now.version).not.toBe(shown.version);
    expect(now.approvals).toEqual([]);
    expect(
      await expectNothingWritten(() => approve(org, id, approverId(2), { contextVersion: shown.version })),
    ).toEqual(conflict);
    expect((await approve(org, id, approverId(1), { contextVersion: now.version, reason: "again" })).body).toEqual({
      status: "PENDING_APPROVAL",
      approvals: 1,
      requiredApprovals: 2,
    });
    expect((await contextOf(org, id)).approvals).toEqual([
      { actor: approverId(1), reason: "again", at: expect.stringMatching(ISO) },
    ]);
    expect((await votesOf(id)).filter((v) => v.actor === approverId(1))).toHaveLength(2);
    return now;
  }

  it("saving the policy (a new policy version)", async () => {
    const { org, row, shown } = await withOneVote();
    expect(shown.basis.policyVersion).toBe(1);
    await savePolicy(org, { overrideReviewHours: 12 });
    const now = await expectNewVersion(org, row.id, shown);
    expect(now.basis.policyVersion).toBe(2);
    // Two votes on the new version queue it.
    expect((await approve(org, row.id, approverId(2), { contextVersion: now.version })).body).toEqual({
      status: "QUEUED",
      approvals: 2,
      requiredApprovals: 2,
    });
    expect(await eventTypes(org, row.id)).toEqual(["REQUESTED", "APPROVAL_RECORDED", "APPROVAL_RECORDED", "APPROVED"]);
    expect(await jobCount(row.id)).toBe(1);
  });

  it("the incident's severity changing (POST /incidents with the same externalId)", async () => {
    const { org, externalId, incidentId, row, shown } = await withOneVote();
    expect(shown.basis).toMatchObject({ incidentSeverity: "HIGH", incidentStatus: "OPEN" });
    expect(await upsertIncident(org, externalId, { severity: "CRITICAL" })).toMatchObject({
      id: incidentId,
      severity: "CRITICAL",
      status: "OPEN",
    });
    const now = await expectNewVersion(org, row.id, shown);
    expect(now.basis).toMatchObject({ incidentSeverity: "CRITICAL", incidentStatus: "OPEN" });
  });

  it("the incident being resolved (POST /incidents with status RESOLVED)", async () => {
    const { org, externalId, incidentId, row, shown } = await withOneVote();
    expect(await upsertIncident(org, externalId, { status: "RESOLVED" })).toMatchObject({
      id: incidentId,
      severity: "HIGH",
      status: "RESOLVED",
    });
    const now = await expectNewVersion(org, row.id, shown);
    expect(now.basis).toMatchObject({ incidentSeverity: "HIGH", incidentStatus: "RESOLVED" });
  });

  it("an incident upsert that changes neither severity nor status keeps the version and the votes", async () => {
    const { org, externalId, row, shown } = await withOneVote();
    await upsertIncident(org, externalId, { title: "API latency (renamed)", summary: "p99 back to 300 ms" });
    const now = await contextOf(org, row.id);
    expect(now.version).toBe(shown.version);
    expect(now.approvals.map((a: { actor: string }) => a.actor)).toEqual([approverId(1)]);
    expect((await approve(org, row.id, approverId(2), { contextVersion: shown.version })).body).toMatchObject({
      status: "QUEUED",
    });
  });

  it("a freeze window starting to cover the environment (the guardrail violations change)", async () => {
    const start = new Date(Date.now() + 5_000);
    const end = new Date(start.getTime() + 3600_000).toISOString();
    const { org, row, shown } = await withOneVote({
      freezeWindows: [{ start: start.toISOString(), end, environments: ["production"], reason: "Quarter close" }],
    });
    expect(shown.violations).toEqual([]);
    const frozen = await waitFor(
      async () => {
        const context = await contextOf(org, row.id);
        return context.violations.length > 0 && context;
      },
      { what: "the freeze window to start" },
    );
    expect(frozen.violations).toEqual([`Environment production is in a change freeze until ${end}: Quarter close.`]);
    expect(frozen.basis.policyVersion).toBe(shown.basis.policyVersion);
    await expectNewVersion(org, row.id, shown);
  });
});

describe("guardrail violations with a quorum", () => {
  it("each vote needs its own reason; a vote without one is blocked (APPROVAL_BLOCKED); the final transition is OVERRIDDEN", async () => {
    const { org, incidentId } = await governed({
      quorumRules: [{ approvals: 2 }],
      blockedEnvironments: ["production"],
    });
    const row = await requestAction(org, incidentId);
    const violations = ["Environment production is blocked from automated remediation."];
    const blocked = {
      status: 200,
      body: {
        status: "POLICY_VIOLATION",
        violations,
        detail:
          "Environment production is blocked from automated remediation. Policy match: organization blockedEnvironments includes production.",
      },
    };
    expect((await contextOf(org, row.id)).violations).toEqual(violations);

    expect(await approve(org, row.id, approverId(1))).toEqual(blocked);
    expect(await votesOf(row.id)).toEqual([]);
    expect((await approve(org, row.id, approverId(1), { reason: "Sev1 outage, SRE lead on call" })).body).toEqual({
      status: "PENDING_APPROVAL",
      approvals: 1,
      requiredApprovals: 2,
    });
    // The first approver's reason does not cover the second.
    expect(await approve(org, row.id, approverId(2), { reason: "  " })).toEqual(blocked);
    expect(
      (await approve(org, row.id, approverId(2), { reason: "Confirmed with the incident commander" })).body,
    ).toEqual({ status: "QUEUED", approvals: 2, requiredApprovals: 2 });

    const action = await loadAction(org, row.id);
    expect(action.events.map((e) => [e.type, e.actor])).toEqual([
      ["REQUESTED", REQUESTER],
      ["APPROVAL_BLOCKED", approverId(1)],
      ["APPROVAL_RECORDED", approverId(1)],
      ["APPROVAL_BLOCKED", approverId(2)],
      ["OVERRIDDEN", approverId(2)],
    ]);
    expect(action.events[4]?.data).toMatchObject({ reason: "Confirmed with the incident commander", violations });
    expect(action.details.approval).toMatchObject({
      actor: approverId(2),
      reason: "Confirmed with the incident commander",
      override: true,
      violations,
    });
    expect((await votesOf(row.id)).map((v) => v.reason)).toEqual([
      "Sev1 outage, SRE lead on call",
      "Confirmed with the incident commander",
    ]);
    expect(await jobCount(row.id)).toBe(1);
  });
});

describe("expiry on approve and reject (before any schedule ran)", () => {
  it("approve after expiresAt → 200 REJECTED, exactly one EXPIRED event by system, even when called twice", async () => {
    const { org } = await governed();
    const id = await createExpiredAction(org, { ttlMinutes: 60 });
    const before = Date.now();
    const answers = [await approve(org, id, approverId(1)), await approve(org, id, approverId(2), { reason: "late" })];
    expect(answers).toEqual([
      { status: 200, body: { status: "REJECTED" } },
      { status: 200, body: { status: "REJECTED" } },
    ]);
    const action = await loadAction(org, id);
    expect(action.status).toBe("REJECTED");
    expect(action.events.map((e) => e.type)).toEqual(["REQUESTED", "EXPIRED"]);
    const reason = "Expired: no decision within 60 minutes.";
    expect(action.events[1]).toMatchObject({ actor: "system", data: { reason } });
    expect(action.details.rejection).toEqual({
      actor: "system",
      reason,
      expired: true,
      at: expect.stringMatching(ISO),
    });
    expect(Date.parse((action.details.rejection as { at: string }).at)).toBeGreaterThanOrEqual(before - 1000);
    expect(await votesOf(id)).toEqual([]);
    expect(await jobCount(id)).toBe(0);
    // The counters follow: no longer pending.
    expect((await call("GET", "/remediation/stats", org, ADMIN)).body).toMatchObject({
      total: 1,
      pending: 0,
      rejected: 1,
    });
  });

  it("reject after expiresAt → 400 with the exact message; the action is expired (EXPIRED, not REJECTED)", async () => {
    const { org } = await governed();
    const id = await createExpiredAction(org, { ttlMinutes: 30 });
    const message = 'Cannot reject action in "REJECTED" status — only PENDING_APPROVAL actions can be rejected.';
    for (let i = 0; i < 2; i++) {
      expect(await reject(org, id, approverId(1), { reason: "too late" })).toEqual({
        status: 400,
        body: { statusCode: 400, error: "Bad Request", message },
      });
    }
    const action = await loadAction(org, id);
    expect(action.status).toBe("REJECTED");
    expect(action.events.map((e) => [e.type, e.actor])).toEqual([
      ["REQUESTED", "user-1"],
      ["EXPIRED", "system"],
    ]);
    expect(action.details.rejection).toMatchObject({
      actor: "system",
      reason: "Expired: no decision within 30 minutes.",
      expired: true,
    });
  });

  it("a real request expires at createdAt + the TTL in force when it was requested (the use case's clock moved on)", async () => {
    const { org, incidentId } = await governed({ pendingApprovalTtlMinutes: 5 });
    const short = await requestAction(org, incidentId);
    await savePolicy(org, { pendingApprovalTtlMinutes: 60 });
    const long = await requestAction(org, incidentId);
    const ctx = { db: db(), scope: { organizationId: org }, principal: principalFor(org, { userId: approverId(1) }) };

    // Exactly at its expiresAt: expired, with the TTL of its request (5), not the current one (60).
    expect(await approveAction(ctx, { id: short.id }, new Date(short.expiresAt))).toEqual({ status: "REJECTED" });
    expect(await loadAction(org, short.id)).toMatchObject({
      status: "REJECTED",
      details: { rejection: { actor: "system", reason: "Expired: no decision within 5 minutes.", expired: true } },
      events: [{ type: "REQUESTED" }, { type: "EXPIRED", actor: "system" }],
    });
    // Requested under 60 minutes: still pending at the same moment, and one millisecond before its own deadline.
    expect(Date.parse(long.expiresAt) - Date.parse(long.createdAt)).toBe(60 * 60_000);
    expect(await approveAction(ctx, { id: long.id }, new Date(Date.parse(long.expiresAt) - 1))).toEqual({
      status: "QUEUED",
      approvals: 1,
      requiredApprovals: 1,
    });
  });
});

describe("approval context on the reads", () => {
  it("GET /remediation/:id, the list and the history carry it on PENDING_APPROVAL rows only", async () => {
    const { org, incidentId } = await governed({ quorumRules: [{ approvals: 3 }], pendingApprovalTtlMinutes: 90 });
    const pending = await requestAction(org, incidentId);
    const queued = await requestAction(org, incidentId, { environment: "staging" });
    const rejected = await requestAction(org, incidentId);
    await reject(org, rejected.id, approverId(1));
    expect(queued.status).toBe("QUEUED");
    await approve(org, pending.id, approverId(1), { reason: "Checked the runbook" });
    await approve(org, pending.id, approverId(2));

    const single = await getAction(org, pending.id);
    expect(single.approvalContext).toEqual({
      version: expect.any(String),
      requiredApprovals: 3,
      approvals: [
        { actor: approverId(1), reason: "Checked the runbook", at: expect.stringMatching(ISO) },
        { actor: approverId(2), reason: null, at: expect.stringMatching(ISO) },
      ],
      violations: [],
      expiresAt: pending.expiresAt,
      basis: { policyVersion: 1, incidentStatus: "OPEN", incidentSeverity: "HIGH" },
    });
    expect(single).toMatchObject({ requiredApprovals: 3, expiresAt: pending.expiresAt });
    expect(Date.parse(pending.expiresAt) - Date.parse(pending.createdAt)).toBe(90 * 60_000);

    for (const path of ["/remediation/actions", `/remediation/history/${incidentId}`]) {
      const rows: Body[] = (await call("GET", path, org, ADMIN)).body;
      expect(rows.map((r) => r.id).sort(), path).toEqual([pending.id, queued.id, rejected.id].sort());
      for (const r of rows) {
        if (r.id === pending.id) expect(r.approvalContext, path).toEqual(single.approvalContext);
        else expect(r.approvalContext ?? null, path).toBeNull();
      }
    }
    expect((await getAction(org, queued.id)).approvalContext ?? null).toBeNull();
    expect((await getAction(org, rejected.id)).approvalContext ?? null).toBeNull();

    // The tRPC procedures return the same context (dates as Date there).
    const viaCaller = await callerFor(org).remediation.get({ id: pending.id });
    expect(viaCaller.approvalContext).toMatchObject({
      version: single.approvalContext.version,
      requiredApprovals: 3,
      expiresAt: new Date(pending.expiresAt),
    });
  });

  it("the context's violations are the current policy's sentences", async () => {
    const { org, incidentId } = await governed();
    const row = await requestAction(org, incidentId);
    expect((await contextOf(org, row.id)).violations).toEqual([]);
    await savePolicy(org, { deniedActionTypes: ["restart-service"] });
    expect((await contextOf(org, row.id)).violations).toEqual(["Action type restart-service is denied by policy."]);
  });
});

describe("incident upserts", () => {
  it("POST /incidents: status optional (OPEN or RESOLVED); an upsert without it keeps the status; anything else → 400", async () => {
    const { org, externalId, incidentId } = await governed();
    expect(await upsertIncident(org, externalId, { status: "RESOLVED" })).toMatchObject({
      id: incidentId,
      status: "RESOLVED",
    });
    expect(await upsertIncident(org, externalId, { severity: "LOW" })).toMatchObject({
      id: incidentId,
      status: "RESOLVED",
      severity: "LOW",
    });
    expect(await upsertIncident(org, externalId, { status: "OPEN" })).toMatchObject({ status: "OPEN" });
    const created = await call("POST", "/incidents", org, ADMIN, {
      title: "New",
      serviceName: "api",
      environment: "staging",
      severity: "LOW",
      status: "RESOLVED",
    });
    expect(created).toMatchObject({ status: 201, body: { status: "RESOLVED" } });
    const bad = await call("POST", "/incidents", org, ADMIN, {
      title: "New",
      serviceName: "api",
      environment: "staging",
      severity: "LOW",
      status: "CLOSED",
    });
    expect(bad).toMatchObject({ status: 400, body: { issues: [{ path: "status" }] } });
  });
});

describe("concurrent approvers", () => {
  it("10 distinct approvers at once on a quorum-3 action: exactly 3 votes, one APPROVED, one job, one executor call", async () => {
    const receiver = await startReceiver((_call, res) => json(res, 200, { result: "restarted" }));
    const worker = await startExecutionWorker(
      testExecutionSettings({ executor: "webhook", webhookUrl: receiver.url, retries: 0 }),
    );
    try {
      for (let round = 0; round < 3; round++) {
        const { org, incidentId } = await governed({ quorumRules: [{ approvals: 3 }] });
        const row = await requestAction(org, incidentId);
        const answers = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            approve(org, row.id, approverId(i + 1), { reason: `approver ${i + 1}` }),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
        const bodies = answers.map((a) => a.body);
        const recorded = bodies.filter((b) => b.status === "PENDING_APPROVAL");
        expect(recorded.map((b) => b.approvals).sort()).toEqual([1, 2]);
        expect(recorded.every((b) => b.requiredApprovals === 3)).toBe(true);
        expect(bodies.filter((b) => b.approvals === 3)).toEqual([
          { status: "QUEUED", approvals: 3, requiredApprovals: 3 },
        ]);
        // The other seven found it decided: the current status, as for any non-pending action.
        const others = bodies.filter((b) => b.status !== "PENDING_APPROVAL" && b.approvals === undefined);
        expect(others).toHaveLength(7);
        for (const b of others) expect(["QUEUED", "EXECUTING", "COMPLETED"]).toContain(b.status);
        for (const b of others) expect(Object.keys(b)).toEqual(["status"]);

        const done = await waitForTerminal(org, row.id);
        expect(done.status).toBe("COMPLETED");
        const votes = await votesOf(row.id);
        expect(votes).toHaveLength(3);
        expect(new Set(votes.map((v) => v.actor)).size).toBe(3);
        // The audit trail in the order things happened: two recordings, then the approval.
        const trail = JSON.stringify(done.events.map((e) => [e.type, e.actor, e.createdAt]));
        expect(
          done.events.map((e) => e.type),
          trail,
        ).toEqual([
          "REQUESTED",
          "APPROVAL_RECORDED",
          "APPROVAL_RECORDED",
          "APPROVED",
          "EXECUTION_STARTED",
          "EXECUTION_SUCCEEDED",
        ]);
        // The voters are exactly the actors of the two recordings and the approval.
        expect(
          done.events
            .slice(1, 4)
            .map((e) => e.actor)
            .sort(),
        ).toEqual(votes.map((v) => v.actor).sort());
        expect(await jobCount(row.id)).toBe(1);
        expect(receiver.callsFor(row.id)).toHaveLength(1);
      }
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
