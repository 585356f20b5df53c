// Override review (docs/behaviour.md#override-review) through the real REST adapter with real
// bearer tokens: the review opened by the override, the review endpoint's checks and their order,
// exactly one winner among concurrent reviewers, the list's filters and order, the priority
// signal's pressure, and the report figures (run row, CSV, email).
import { describe, expect, it } from "vitest";
import { OVERRIDER_CANNOT_REVIEW_MESSAGE } from "@/lib/override-review";
import { db } from "@/server/db/client";
import { rest } from "@/test/calls";
import { eventTypes, loadAction } from "@/test/execution-fixtures";
import { approverOf } from "@/test/factories";
import {
  OVERRIDER,
  organizationWithGuardrail,
  overriddenAction,
  REVIEWER,
  read,
  requestAction,
  review,
} from "@/test/override-review-fixtures";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const HOUR_MS = 3_600_000;
const ACCEPT = { outcome: "ACCEPTED", note: "Checked the incident: the override was justified." };

const reviewedEvents = async (actionId: string) =>
  db().remediationEvent.findMany({ where: { actionId, type: "OVERRIDE_REVIEWED" } });

describe("an override opens its review", () => {
  it("details.overrideReview is PENDING, due overrideReviewHours after the override, in every representation", async () => {
    const { org, incidentId } = await organizationWithGuardrail({ overrideReviewHours: 6 });
    const before = Date.now();
    const id = await overriddenAction(org, incidentId);
    const single = (await read(org, `/remediation/${id}`)).body;
    expect(single.details.overrideReview).toEqual({ status: "PENDING", dueAt: expect.stringMatching(ISO) });
    const dueAt = new Date(single.details.overrideReview.dueAt).getTime();
    expect(dueAt - before).toBeGreaterThanOrEqual(6 * HOUR_MS);
    expect(dueAt - Date.now()).toBeLessThanOrEqual(6 * HOUR_MS);
    expect(single.events.map((e: { type: string }) => e.type)).toEqual(["REQUESTED", "OVERRIDDEN"]);
    const [listed] = (await read(org, "/remediation/actions")).body;
    expect(listed.details.overrideReview).toEqual(single.details.overrideReview);
    const [entry] = (await read(org, "/remediation/override-reviews")).body;
    expect(entry.action.id).toBe(id);
    expect(entry.review).toEqual({
      status: "PENDING",
      overdue: false,
      dueAt: single.details.overrideReview.dueAt,
      overriddenBy: OVERRIDER,
      overriddenAt: expect.stringMatching(ISO),
      reviewer: null,
      note: null,
      reviewedAt: null,
    });
  });

  it("a plain approval (no guardrail violated) opens none", async () => {
    const { org, incidentId } = await organizationWithGuardrail({ blockedEnvironments: [] });
    const id = await requestAction(org, incidentId);
    const res = await rest("POST", `/remediation/${id}/approve`, { auth: approverOf(org), body: { reason: "ok" } });
    expect(await res.json()).toMatchObject({ status: "QUEUED" });
    expect((await loadAction(org, id)).details.overrideReview).toBeUndefined();
    expect((await read(org, "/remediation/override-reviews")).body).toEqual([]);
  });
});

describe("POST /remediation/:id/override-review", () => {
  it.each([
    ["note missing", { outcome: "ACCEPTED" }, "note"],
    ["note empty", { outcome: "FLAGGED", note: "" }, "note"],
    ["note blank", { outcome: "FLAGGED", note: "   " }, "note"],
    ["note over 2000 characters", { outcome: "ACCEPTED", note: "n".repeat(2001) }, "note"],
    ["outcome not in the enum", { outcome: "MAYBE", note: "fine" }, "outcome"],
    ["outcome missing", { note: "fine" }, "outcome"],
    ["an unknown key", { ...ACCEPT, extra: 1 }, ""],
    ["no body at all", undefined, "outcome"],
  ])("%s → 400 with issues, nothing written", async (_, body, path) => {
    const { org, incidentId } = await organizationWithGuardrail();
    const id = await overriddenAction(org, incidentId);
    const res = await review(org, id, REVIEWER, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: "Bad Request" });
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(await reviewedEvents(id)).toHaveLength(0);
  });

  it("the overrider → 403 with the exact message; another approver reviews → 200, event, details; again → 409", async () => {
    const { org, incidentId } = await organizationWithGuardrail();
    const id = await overriddenAction(org, incidentId);
    expect(await review(org, id, OVERRIDER, ACCEPT)).toEqual({
      status: 403,
      body: { statusCode: 403, error: "Forbidden", message: OVERRIDER_CANNOT_REVIEW_MESSAGE },
    });
    expect(await reviewedEvents(id)).toHaveLength(0);

    const note = "x".repeat(2000);
    expect(await review(org, id, REVIEWER, { outcome: "FLAGGED", note })).toEqual({
      status: 200,
      body: { status: "FLAGGED" },
    });
    const action = await loadAction(org, id);
    expect(action.details.overrideReview).toEqual({
      status: "FLAGGED",
      dueAt: expect.stringMatching(ISO),
      reviewer: REVIEWER,
      note,
      reviewedAt: expect.stringMatching(ISO),
    });
    expect(action.events.map((e) => e.type)).toEqual(["REQUESTED", "OVERRIDDEN", "OVERRIDE_REVIEWED"]);
    expect(action.events[2]).toMatchObject({ actor: REVIEWER, data: { outcome: "FLAGGED", note, reviewer: REVIEWER } });
    // The action's own state is untouched.
    expect(action.status).toBe("QUEUED");

    for (const who of [REVIEWER, "reviewer-2", OVERRIDER]) {
      expect(await review(org, id, who, ACCEPT)).toMatchObject({
        status: 409,
        body: { statusCode: 409, error: "Conflict", message: "This action has no open override review." },
      });
    }
    expect(await reviewedEvents(id)).toHaveLength(1);
  });

  it("an action that was never overridden → 409; unknown, malformed and other organizations' ids → 404", async () => {
    const { org, incidentId } = await organizationWithGuardrail();
    const staging = await requestAction(org, incidentId, "staging");
    expect((await review(org, staging, REVIEWER, ACCEPT)).status).toBe(409);
    const pending = await requestAction(org, incidentId);
    expect((await review(org, pending, REVIEWER, ACCEPT)).status).toBe(409);

    const other = await organizationWithGuardrail();
    const foreign = await overriddenAction(other.org, other.incidentId);
    expect((await review(org, foreign, REVIEWER, ACCEPT)).body).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "Action not found",
    });
    expect((await review(org, "00000000-0000-4000-8000-000000000000", REVIEWER, ACCEPT)).status).toBe(404);
    expect((await review(org, "not-a-uuid", REVIEWER, ACCEPT)).status).toBe(404);
    // Without remediation:approve: 403 before anything else.
    const viewer = await review(org, staging, REVIEWER, ACCEPT, ["remediation:view"]);
    expect(viewer.status).toBe(403);
    expect(await eventTypes(org, staging)).not.toContain("OVERRIDE_REVIEWED");
  });

  it("ten reviewers at once: exactly one 200, the others 409, one event", async () => {
    const { org, incidentId } = await organizationWithGuardrail();
    const id = await overriddenAction(org, incidentId);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        review(org, id, `reviewer-${i}`, { outcome: i % 2 ? "ACCEPTED" : "FLAGGED", note: `note ${i}` }),
      ),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(9);
    const events = await reviewedEvents(id);
    expect(events).toHaveLength(1);
    const winner = answers.findIndex((a) => a.status === 200);
    expect(events[0]).toMatchObject({ actor: `reviewer-${winner}`, data: { note: `note ${winner}` } });
    expect((await loadAction(org, id)).details.overrideReview).toMatchObject({
      reviewer: `reviewer-${winner}`,
      status: answers[winner]?.body.status,
    });
  });
});
