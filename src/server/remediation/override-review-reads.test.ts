// What the override reviews feed (docs/behaviour.md#override-review): GET
// /remediation/override-reviews (filters, order, limit, tenancy), the priority signal's overdue
// pressure (also per environment), and a report run's figures in its row, its CSV and its email.
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { rest } from "@/test/calls";
import { createIncident, createOrganization } from "@/test/factories";
import { organizationWithGuardrail, overriddenAction, REVIEWER, read, review } from "@/test/override-review-fixtures";
import { parseCsv } from "@/test/reporting-fixtures";

type Entry = { action: { id: string }; review: { status: string; overdue: boolean } };
const ids = (body: Entry[]) => body.map((e) => e.action.id);

/**
 * Five overrides, newest first: notDue (now, pending), flagged (2 h ago), accepted (3 h ago),
 * overdue (30 h ago, pending, due after 24 h), overdueStaging (40 h ago, pending, on staging).
 */
async function fiveReviews() {
  const { org, incidentId } = await organizationWithGuardrail({ blockedEnvironments: ["production", "staging"] });
  const stagingIncident = await createIncident(org, { environment: "staging" });
  const overdueStaging = await overriddenAction(org, stagingIncident, { hoursAgo: 40, environment: "staging" });
  const overdue = await overriddenAction(org, incidentId, { hoursAgo: 30 });
  const accepted = await overriddenAction(org, incidentId, { hoursAgo: 3 });
  const flagged = await overriddenAction(org, incidentId, { hoursAgo: 2 });
  const notDue = await overriddenAction(org, incidentId);
  expect((await review(org, accepted, REVIEWER, { outcome: "ACCEPTED", note: "fine" })).status).toBe(200);
  expect((await review(org, flagged, REVIEWER, { outcome: "FLAGGED", note: "not fine" })).status).toBe(200);
  return { org, notDue, flagged, accepted, overdue, overdueStaging };
}

describe("GET /remediation/override-reviews", () => {
  it("lists newest override first; PENDING, OVERDUE, ACCEPTED, FLAGGED filter; limit; another organization sees none", async () => {
    const r = await fiveReviews();
    const all = await read(r.org, "/remediation/override-reviews");
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual([r.notDue, r.flagged, r.accepted, r.overdue, r.overdueStaging]);
    expect(all.body.map((e: Entry) => [e.review.status, e.review.overdue])).toEqual([
      ["PENDING", false],
      ["FLAGGED", false],
      ["ACCEPTED", false],
      ["PENDING", true],
      ["PENDING", true],
    ]);
    expect(all.body[1]).toMatchObject({
      action: { status: "QUEUED", details: { overrideReview: { status: "FLAGGED", reviewer: REVIEWER } } },
      review: { reviewer: REVIEWER, note: "not fine", reviewedAt: expect.any(String) },
    });
    const by = async (query: string) => ids((await read(r.org, `/remediation/override-reviews${query}`)).body);
    expect(await by("?status=PENDING")).toEqual([r.notDue, r.overdue, r.overdueStaging]);
    expect(await by("?status=OVERDUE")).toEqual([r.overdue, r.overdueStaging]);
    expect(await by("?status=ACCEPTED")).toEqual([r.accepted]);
    expect(await by("?status=FLAGGED")).toEqual([r.flagged]);
    expect(await by("?status=")).toHaveLength(5);
    expect(await by("?limit=2")).toEqual([r.notDue, r.flagged]);
    expect(await by("?status=OVERDUE&limit=1")).toEqual([r.overdue]);
    expect((await read(await createOrganization("orv"), "/remediation/override-reviews")).body).toEqual([]);
  });

  it.each([
    ["?status=LATE", "status"],
    ["?status=pending", "status"],
    ["?limit=0", "limit"],
    ["?limit=501", "limit"],
    ["?limit=abc", "limit"],
  ])("%s → 400 naming %s", async (query, path) => {
    const res = await read(await createOrganization("orv"), `/remediation/override-reviews${query}`);
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
  });
});

describe("priority signal", () => {
  it("overdue reviews are a warning pressure after execution load high; per environment; reviewing one removes it", async () => {
    const r = await fiveReviews();
    expect((await read(r.org, "/remediation/priority-signal")).body).toEqual({
      level: "warning",
      label: "Warning",
      reason: "Override reviews overdue.",
      pendingApprovals: 0,
      activeExecutions: 5,
      failedInLast24h: 0,
      overdueOverrideReviews: 2,
      pendingChange24h: 0,
      failedChange24h: 0,
    });
    expect((await read(r.org, "/remediation/priority-signal?environment=staging")).body).toMatchObject({
      level: "warning",
      reason: "Override reviews overdue.",
      overdueOverrideReviews: 1,
    });
    expect((await read(r.org, "/remediation/priority-signal?environment=qa")).body).toMatchObject({
      level: "healthy",
      overdueOverrideReviews: 0,
    });
    await review(r.org, r.overdue, REVIEWER, { outcome: "ACCEPTED", note: "late but fine" });
    await review(r.org, r.overdueStaging, REVIEWER, { outcome: "ACCEPTED", note: "late but fine" });
    expect((await read(r.org, "/remediation/priority-signal")).body).toMatchObject({
      level: "healthy",
      reason: "No remediation pressure.",
      overdueOverrideReviews: 0,
    });
  });
});

describe("report runs", () => {
  it("the run row, its CSV (trailing columns) and its email carry overrides in the period, open and flagged reviews", async () => {
    const r = await fiveReviews();
    // A daily report: the last 24 h hold notDue, flagged and accepted; 40 and 30 h ago are older.
    const settings = await rest("PUT", "/remediation/reporting/settings", {
      auth: { organizationId: r.org },
      body: { reportCadence: "daily", reportRecipients: ["audit@example.com"] },
    });
    expect(settings.status).toBe(200);
    const res = await rest("POST", "/remediation/reporting/runs", { auth: { organizationId: r.org } });
    const run = await res.json();
    expect(res.status, JSON.stringify(run)).toBe(200);
    expect(run).toMatchObject({
      status: "success",
      overridesInPeriod: 3,
      overrideReviewsPending: 3,
      overrideReviewsFlagged: 1,
    });
    const csv = await rest("GET", "/remediation/reporting/runs/export/csv", { auth: { organizationId: r.org } });
    const text = await csv.text();
    expect(
      text.split("\r\n")[0]?.endsWith(",completedAt,overridesInPeriod,overrideReviewsPending,overrideReviewsFlagged"),
    ).toBe(true);
    expect(parseCsv(text)[0]).toMatchObject({
      id: run.id,
      overridesInPeriod: "3",
      overrideReviewsPending: "3",
      overrideReviewsFlagged: "1",
    });
    const [email] = await db().emailOutbox.findMany({ where: { reportRunId: run.id } });
    expect(email?.text).toMatch(/Guardrail overrides in the period\s+3/);
    expect(email?.text).toMatch(/Override reviews open now\s+3/);
    expect(email?.text).toMatch(/Overrides flagged by reviewers in the period\s+1/);
    expect(email?.html).toContain("Override reviews open now");
  });
});
