import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTION_STATUSES, type ActionStatus, TERMINAL_STATUSES } from "@/lib/schemas";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { rest } from "@/test/calls";
import { recountedActions } from "@/test/execution-fixtures";
import { type ActionOverrides, createActions, createOrganization } from "@/test/factories";
import { createReportingSettings, daysAgo } from "@/test/reporting-fixtures";
import { enforceRetention } from "./enforce-retention";
import { acrossOrganizationsEnforceRetention } from "./enforce-retention-everywhere";

const isTerminal = (s: ActionStatus) => (TERMINAL_STATUSES as readonly string[]).includes(s);

/**
 * Each action with its REQUESTED event and a decision (retention must delete the events, and the
 * approval_decisions rows their trigger wrote, with their actions).
 */
const requested = (rows: ActionOverrides[]): ActionOverrides[] =>
  rows.map((row) => ({ ...row, events: ["REQUESTED", "APPROVED"] }));

/** remediation_counters, summed over stripes, must always equal a fresh count(*) GROUP BY over the actions. */
async function expectCountersExact() {
  const { actual, counters } = await recountedActions();
  expect(counters).toEqual(actual);
}

describe("retention", () => {
  it("deletes exactly the old terminal actions, in batches, leaving others and other organizations alone", async () => {
    const bystander = await createOrganization("bystander");
    await createActions(
      bystander,
      requested([
        { status: "COMPLETED", createdAt: daysAgo(400) },
        { status: "FAILED", createdAt: daysAgo(400) },
      ]),
    );

    const action = fc.record({
      status: fc.constantFrom(...ACTION_STATUSES),
      // Half-day offsets: no age ever sits exactly on the (whole-day) cutoff.
      ageDays: fc.integer({ min: 0, max: 60 }).map((d) => d + 0.5),
      environment: fc.constantFrom("production", "staging"),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { maxLength: 25 }),
        fc.integer({ min: 7, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        async (specs, retentionDays, batchSize) => {
          const org = await createOrganization();
          await createReportingSettings(org, { retentionDays });
          const now = Date.now();
          const ids = await createActions(
            org,
            requested(
              specs.map((s) => ({ status: s.status, createdAt: daysAgo(s.ageDays, now), environment: s.environment })),
            ),
          );
          const expired = new Set(
            ids.filter((_, i) => isTerminal(specs[i]!.status) && specs[i]!.ageDays > retentionDays),
          );

          const result = await enforceRetention({ db: db(), scope: orgScope(org) }, { now: new Date(now), batchSize });

          expect(result).toEqual({
            organizationId: org,
            retentionDays,
            cutoff: daysAgo(retentionDays, now),
            deletedCount: expired.size,
          });
          const left = await db().remediationAction.findMany({ where: { organizationId: org }, select: { id: true } });
          expect(left.map((r) => r.id).sort()).toEqual(ids.filter((id) => !expired.has(id)).sort());
          // Events went with their actions (the actions' delete trigger); the others kept theirs.
          expect(await db().remediationEvent.count({ where: { organizationId: org } })).toBe(
            2 * (ids.length - expired.size),
          );
          expect(await db().approvalDecision.count({ where: { organizationId: org } })).toBe(ids.length - expired.size);
          await expectCountersExact();
        },
      ),
      { numRuns: 25 },
    );

    expect(await db().remediationAction.count({ where: { organizationId: bystander } })).toBe(2);
  });

  it("never deletes a pending, queued or executing action, however old", async () => {
    const org = await createOrganization();
    await createActions(
      org,
      requested([
        { status: "PENDING_APPROVAL", createdAt: daysAgo(5000) },
        { status: "QUEUED", createdAt: daysAgo(5000) },
        { status: "EXECUTING", createdAt: daysAgo(5000) },
        { status: "REJECTED", createdAt: daysAgo(5000) },
      ]),
    );
    const result = await enforceRetention({ db: db(), scope: orgScope(org) }, { batchSize: 1 });
    expect(result.deletedCount).toBe(1);
    const left = await db().remediationAction.findMany({ where: { organizationId: org } });
    expect(left.map((a) => a.status).sort()).toEqual(["EXECUTING", "PENDING_APPROVAL", "QUEUED"]);
  });

  it("POST /remediation/reporting/enforce-retention answers the reference's shape", async () => {
    const org = await createOrganization();
    await rest("PUT", "/remediation/reporting/settings", {
      auth: { organizationId: org },
      body: { retentionDays: 10 },
    });
    await createActions(
      org,
      requested([
        { status: "COMPLETED", createdAt: daysAgo(11) },
        { status: "COMPLETED", createdAt: daysAgo(9) },
      ]),
    );
    const before = Date.now();
    const res = await rest("POST", "/remediation/reporting/enforce-retention", { auth: { organizationId: org } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ organizationId: org, retentionDays: 10, cutoff: expect.any(String), deletedCount: 1 });
    const cutoff = Date.parse(body.cutoff);
    expect(cutoff).toBeGreaterThanOrEqual(before - 10 * 86_400_000);
    expect(cutoff).toBeLessThanOrEqual(Date.now() - 10 * 86_400_000);
    expect(
      (
        await rest("POST", "/remediation/reporting/enforce-retention", {
          auth: { organizationId: org, permissions: ["remediation:view"] },
        })
      ).status,
    ).toBe(403);
  });

  it("the daily schedule enforces every organization's own retention", async () => {
    const short = await createOrganization();
    const long = await createOrganization();
    await createReportingSettings(short, { retentionDays: 7 });
    await createReportingSettings(long, { retentionDays: 365 });
    await createActions(short, requested([{ status: "FAILED", createdAt: daysAgo(8) }]));
    await createActions(long, requested([{ status: "FAILED", createdAt: daysAgo(8) }]));
    const totals = await acrossOrganizationsEnforceRetention(db());
    expect(totals.failed).toBe(0);
    expect(await db().remediationAction.count({ where: { organizationId: short } })).toBe(0);
    expect(await db().remediationAction.count({ where: { organizationId: long } })).toBe(1);
    await expectCountersExact();
  });
});
