import { describe, expect, it } from "vitest";
import { deleteActions, forceActionStatus } from "@/server/db/simulate";
import { callerFor } from "@/test/calls";
import { approverId, createActions, createIncident, createOrganization, requestBody } from "@/test/factories";

const T0 = new Date("2026-04-20T06:00:00.000Z");
const isNewestFirst = (rows: { createdAt: Date; id: string }[]) =>
  rows.every(
    (r, i) =>
      i === 0 ||
      rows[i - 1]!.createdAt > r.createdAt ||
      (rows[i - 1]!.createdAt.getTime() === r.createdAt.getTime() && rows[i - 1]!.id > r.id),
  );

async function orgWithIncident() {
  const org = await createOrganization("read");
  return { org, incidentId: await createIncident(org), caller: callerFor(org) };
}

describe("GET /remediation/actions", () => {
  it("newest first (createdAt desc, then id desc on ties) with status/environment/incidentId filters", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    const other = await createIncident(org);
    await createActions(org, { count: 5, status: "COMPLETED", environment: "production", incidentId, createdAt: T0 });
    await createActions(org, {
      count: 3,
      status: "FAILED",
      environment: "staging",
      incidentId: other,
      createdAt: new Date(T0.getTime() + 500),
    });
    // Two rows with one createdAt: the id breaks the tie.
    await createActions(org, {
      count: 1,
      status: "QUEUED",
      environment: "staging",
      incidentId,
      createdAt: new Date(T0.getTime() + 10_000),
    });
    await createActions(org, {
      count: 1,
      status: "QUEUED",
      environment: "staging",
      incidentId,
      createdAt: new Date(T0.getTime() + 10_000),
    });

    const all = await caller.remediation.list();
    expect(all).toHaveLength(10);
    expect(isNewestFirst(all)).toBe(true);
    expect(all[0]!.id > all[1]!.id).toBe(true);

    expect((await caller.remediation.list({ status: "FAILED" })).map((r) => r.status)).toEqual([
      "FAILED",
      "FAILED",
      "FAILED",
    ]);
    const staging = await caller.remediation.list({ environment: "staging" });
    expect(staging).toHaveLength(5);
    expect(isNewestFirst(staging)).toBe(true);
    expect(await caller.remediation.list({ incidentId: other })).toHaveLength(3);
    expect(await caller.remediation.list({ status: "QUEUED", environment: "staging" })).toHaveLength(2);
    expect(await caller.remediation.list({ status: "QUEUED", environment: "production" })).toEqual([]);
    const limited = await caller.remediation.list({ limit: 4 });
    expect(limited.map((r) => r.id)).toEqual(all.slice(0, 4).map((r) => r.id));
  });

  it("limit default 50, max 500; 0, 501, abc and unknown status/incidentId are 400", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    await createActions(org, { count: 520, status: "COMPLETED", incidentId, createdAt: T0 });
    expect(await caller.remediation.list()).toHaveLength(50);
    expect(await caller.remediation.list({ limit: 500 })).toHaveLength(500);
    for (const bad of [{ limit: 0 }, { limit: 501 }, { limit: "abc" }, { status: "DONE" }, { incidentId: "nope" }]) {
      await expect(caller.remediation.list(bad as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("another organization's rows are invisible", async () => {
    const { org, incidentId } = await orgWithIncident();
    await createActions(org, { count: 3, status: "COMPLETED", incidentId });
    const stranger = callerFor(await createOrganization("stranger"));
    expect(await stranger.remediation.list()).toEqual([]);
    expect(await stranger.remediation.list({ incidentId })).toEqual([]);
    expect(await stranger.remediation.history({ incidentId })).toEqual([]);
  });
});

describe("GET /remediation/history/:incidentId", () => {
  it("that incident's rows newest first; [] for unknown, malformed or foreign incidents", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    const other = await createIncident(org);
    await createActions(org, { count: 4, status: "COMPLETED", incidentId, createdAt: T0 });
    await createActions(org, { count: 2, status: "FAILED", incidentId: other, createdAt: T0 });
    const history = await caller.remediation.history({ incidentId });
    expect(history).toHaveLength(4);
    expect(history.every((r) => r.incidentId === incidentId)).toBe(true);
    expect(isNewestFirst(history)).toBe(true);
    expect(await caller.remediation.history({ incidentId: "not-a-uuid" })).toEqual([]);
    expect(await caller.remediation.history({ incidentId: "a0000000-0000-4000-8000-000000000001" })).toEqual([]);
  });
});

describe("GET /remediation/:id", () => {
  it("the row plus its events oldest first, shaped { id, type, actor, data, createdAt }", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    const { action } = await caller.remediation.request(requestBody(incidentId, { environment: "production" }));
    await callerFor(org, { userId: approverId(1) }).remediation.approve({ id: action.id, reason: "go" });
    const got = await caller.remediation.get({ id: action.id });
    expect(got).toMatchObject({ id: action.id, status: "QUEUED", incidentId });
    expect(got.events.map((e) => e.type)).toEqual(["REQUESTED", "APPROVED"]);
    expect(Object.keys(got.events[0]!).sort()).toEqual(["actor", "createdAt", "data", "hash", "id", "seq", "type"]);
    expect(got.events[1]).toMatchObject({ actor: approverId(1), data: { reason: "go" } });
  });

  it("the list, the history and the single read carry the incident's title", async () => {
    const org = await createOrganization("read-title");
    const incidentId = await createIncident(org, { title: "checkout latency p99 over 2 s" });
    const caller = callerFor(org);
    const { action } = await caller.remediation.request(requestBody(incidentId));
    const [listed] = await caller.remediation.list({ incidentId, limit: 5 });
    const [inHistory] = await caller.remediation.history({ incidentId });
    const single = await caller.remediation.get({ id: action.id });
    for (const row of [listed, inHistory, single]) {
      expect(row).toMatchObject({ id: action.id, incidentTitle: "checkout latency p99 over 2 s" });
    }
  });

  it("404 for malformed, unknown and foreign ids", async () => {
    const { incidentId, caller } = await orgWithIncident();
    const { action } = await caller.remediation.request(requestBody(incidentId));
    const stranger = callerFor(await createOrganization("stranger"));
    for (const id of ["xyz", "a0000000-0000-4000-8000-000000000001"]) {
      await expect(caller.remediation.get({ id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    await expect(stranger.remediation.get({ id: action.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("GET /remediation/stats", () => {
  it("31 completed of 42 → 73.8, per status, per environment, kept by the counters trigger", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    const completed = await createActions(org, {
      count: 31,
      status: "COMPLETED",
      environment: "production",
      incidentId,
    });
    await createActions(org, { count: 6, status: "FAILED", environment: "production", incidentId });
    const pending = await createActions(org, {
      count: 3,
      status: "PENDING_APPROVAL",
      environment: "staging",
      incidentId,
    });
    await createActions(org, { count: 2, status: "EXECUTING", environment: "staging", incidentId });
    expect(await caller.remediation.stats()).toEqual({
      total: 42,
      pending: 3,
      queued: 0,
      executing: 2,
      completed: 31,
      failed: 6,
      rejected: 0,
      successRate: 73.8,
    });
    expect(await caller.remediation.stats({ environment: "staging" })).toMatchObject({
      total: 5,
      completed: 0,
      successRate: 0,
    });
    expect(await caller.remediation.stats({ environment: "production" })).toMatchObject({
      total: 37,
      successRate: 83.8,
    });

    // Transitions move counts: 2 pending rejected by SQL, one completed row deleted.
    await forceActionStatus(org, pending.slice(0, 2), "REJECTED");
    await deleteActions(org, completed.slice(0, 1));
    expect(await caller.remediation.stats()).toEqual({
      total: 41,
      pending: 1,
      queued: 0,
      executing: 2,
      completed: 30,
      failed: 6,
      rejected: 2,
      successRate: 73.2,
    });
  });

  it("empty organization: zeros and successRate 0", async () => {
    const { caller } = await orgWithIncident();
    expect(await caller.remediation.stats()).toEqual({
      total: 0,
      pending: 0,
      queued: 0,
      executing: 0,
      completed: 0,
      failed: 0,
      rejected: 0,
      successRate: 0,
    });
  });
});

describe("GET /remediation/priority-signal", () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);

  it("the reference example: 4 pending, 2 active, 5 failed (more than the day before) → warning", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    await createActions(org, { count: 4, status: "PENDING_APPROVAL", incidentId });
    await createActions(org, { count: 1, status: "QUEUED", incidentId });
    await createActions(org, { count: 1, status: "EXECUTING", incidentId });
    await createActions(org, { count: 5, status: "FAILED", incidentId, updatedAt: hoursAgo(2) });
    await createActions(org, { count: 2, status: "FAILED", incidentId, updatedAt: hoursAgo(30) });
    // Failures older than 48 h count for neither window.
    await createActions(org, { count: 9, status: "FAILED", incidentId, updatedAt: hoursAgo(60) });
    expect(await caller.remediation.prioritySignal()).toEqual({
      level: "warning",
      label: "Warning",
      reason: "Failures rising and approval queue growing.",
      pendingApprovals: 4,
      activeExecutions: 2,
      failedInLast24h: 5,
      overdueOverrideReviews: 0,
      // Four requested now, none decided: four more than 24 h ago; five failures against two.
      pendingChange24h: 4,
      failedChange24h: 3,
    });
  });

  it("healthy, elevated failures, load, critical, and the environment filter", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    expect(await caller.remediation.prioritySignal()).toMatchObject({
      level: "healthy",
      label: "Healthy",
      reason: "No remediation pressure.",
    });

    await createActions(org, {
      count: 3,
      status: "FAILED",
      environment: "staging",
      incidentId,
      updatedAt: hoursAgo(1),
    });
    await createActions(org, {
      count: 4,
      status: "FAILED",
      environment: "staging",
      incidentId,
      updatedAt: hoursAgo(25),
    });
    expect(await caller.remediation.prioritySignal()).toMatchObject({
      level: "warning",
      reason: "Failures elevated.",
      failedInLast24h: 3,
    });

    await createActions(org, { count: 10, status: "QUEUED", environment: "production", incidentId });
    expect(await caller.remediation.prioritySignal()).toMatchObject({
      reason: "Failures elevated and execution load high.",
    });
    expect(await caller.remediation.prioritySignal({ environment: "production" })).toMatchObject({
      level: "warning",
      reason: "Execution load high.",
      activeExecutions: 10,
      failedInLast24h: 0,
    });
    expect(await caller.remediation.prioritySignal({ environment: "staging" })).toMatchObject({
      reason: "Failures elevated.",
      activeExecutions: 0,
    });

    await createActions(org, { count: 10, status: "PENDING_APPROVAL", environment: "production", incidentId });
    expect(await caller.remediation.prioritySignal()).toEqual({
      level: "critical",
      label: "Critical",
      reason: "Failures elevated and approval queue growing and execution load high.",
      pendingApprovals: 10,
      activeExecutions: 10,
      failedInLast24h: 3,
      overdueOverrideReviews: 0,
      pendingChange24h: 10,
      failedChange24h: -1,
    });
    await createActions(org, {
      count: 7,
      status: "FAILED",
      environment: "staging",
      incidentId,
      updatedAt: hoursAgo(3),
    });
    expect(await caller.remediation.prioritySignal({ environment: "staging" })).toMatchObject({
      level: "critical",
      reason: "Failures rising.",
      failedInLast24h: 10,
    });
  });

  it("the pending queue's change over 24 h: requested in the 24 h and still pending, minus decided in the 24 h and requested before", async () => {
    const { org, incidentId, caller } = await orgWithIncident();
    const pending = (count: number, hours: number) =>
      createActions(org, { count, status: "PENDING_APPROVAL", incidentId, createdAt: hoursAgo(hours) });
    await pending(2, 1); // +2: not pending 24 h ago, pending now
    await pending(3, 30); // pending then and now: no change
    const oldDecided = await pending(4, 30); // −4 once decided: pending then, not now
    const newDecided = await pending(5, 2); // requested and decided within the 24 h: neither
    const rejecter = callerFor(org, { userId: "rejecter" });
    for (const id of [...oldDecided, ...newDecided]) await rejecter.remediation.reject({ id, reason: "not now" });
    expect(await caller.remediation.prioritySignal()).toMatchObject({ pendingApprovals: 5, pendingChange24h: 2 - 4 });
    // Still pending since before the window: in the queue then and now, no change.
    await createActions(org, { count: 1, status: "PENDING_APPROVAL", incidentId, createdAt: hoursAgo(50) });
    expect(await caller.remediation.prioritySignal()).toMatchObject({ pendingApprovals: 6, pendingChange24h: -2 });
    // Decisions carry no environment: no figure rather than a wrong one.
    expect(await caller.remediation.prioritySignal({ environment: "production" })).toMatchObject({
      pendingChange24h: null,
    });
    // Another organization's queue never counts.
    const other = await createOrganization("read");
    expect(await callerFor(other).remediation.prioritySignal()).toMatchObject({ pendingChange24h: 0 });
  });
});
