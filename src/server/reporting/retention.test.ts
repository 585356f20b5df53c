import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ACTION_STATUSES, type ActionStatus, TERMINAL_STATUSES } from "@/lib/schemas";
import { db, requirePool } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { deleteExpiredActionsBatch, expiredActionsBatchQuery } from "@/server/db/stores/actions";
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

  it("a batch takes the oldest terminal actions whatever their status, passing over the in-flight ones between them", async () => {
    const org = await createOrganization();
    const now = Date.now();
    const [, pending, , queued, rejected, completed] = await createActions(
      org,
      requested([
        { status: "COMPLETED", createdAt: daysAgo(50, now) },
        { status: "PENDING_APPROVAL", createdAt: daysAgo(45, now) },
        { status: "FAILED", createdAt: daysAgo(40, now) },
        { status: "QUEUED", createdAt: daysAgo(35, now) },
        { status: "REJECTED", createdAt: daysAgo(30, now) },
        { status: "COMPLETED", createdAt: daysAgo(20, now) },
      ]),
    );
    const left = async () =>
      (await db().remediationAction.findMany({ where: { organizationId: org }, select: { id: true } }))
        .map((r) => r.id)
        .sort();
    const input = { cutoff: daysAgo(10, now), batchSize: 2 };

    const first = await deleteExpiredActionsBatch(db(), org, input);
    expect(first).toEqual({ deleted: 2, reached: daysAgo(40, now) });
    expect(await left()).toEqual([pending, queued, rejected, completed].sort());
    const second = await deleteExpiredActionsBatch(db(), org, { ...input, from: first.reached });
    expect(second).toEqual({ deleted: 2, reached: daysAgo(20, now) });
    expect(await left()).toEqual([pending, queued].sort());
    await expectCountersExact();
  });

  it("batches continue where the last one ended: rows sharing a millisecond across a batch boundary all go", async () => {
    const org = await createOrganization();
    await createReportingSettings(org, { retentionDays: 10 });
    const at = daysAgo(20);
    // Twelve rows in one millisecond, between older and newer ones: batches of 5 end inside the tie.
    const ids = await createActions(
      org,
      requested([
        ...Array.from({ length: 3 }, (_, i) => ({ status: "COMPLETED" as const, createdAt: daysAgo(30 + i) })),
        ...Array.from({ length: 12 }, () => ({ status: "COMPLETED" as const, createdAt: at })),
        ...Array.from({ length: 4 }, (_, i) => ({ status: "COMPLETED" as const, createdAt: daysAgo(11 + i / 10) })),
        { status: "COMPLETED", createdAt: daysAgo(9) },
      ]),
    );
    const batches: number[] = [];
    const result = await enforceRetention(
      { db: db(), scope: orgScope(org) },
      { batchSize: 5, onBatch: (b) => batches.push(b.deleted) },
    );
    expect(result.deletedCount).toBe(19);
    expect(batches).toEqual([5, 5, 5, 4]);
    const left = await db().remediationAction.findMany({ where: { organizationId: org }, select: { id: true } });
    expect(left.map((r) => r.id)).toEqual([ids.at(-1)]);
    await expectCountersExact();
  });

  it("a long transaction elsewhere does not make each batch re-read the rows earlier batches deleted", async ({
    annotate,
  }) => {
    const org = await createOrganization();
    await createActions(org, { count: 3_000, status: "COMPLETED", createdAt: daysAgo(20) });
    // A transaction holding an xid: while it runs, no index scan may skip the entries of rows
    // deleted after it began (they are not dead to every snapshot yet), in any database.
    // The heap pages holding the 2,000 oldest (the two batches below delete them).
    const [{ pages }] = await db().$queryRaw<[{ pages: number }]>`
      SELECT count(DISTINCT (ctid::text::point)[0])::int AS pages FROM (
        SELECT ctid FROM remediation_actions WHERE "organizationId" = ${org} ORDER BY "createdAt" LIMIT 2000) oldest`;
    expect(pages).toBeGreaterThan(20);
    const holder = await requirePool(db(), "holder").connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT txid_current()");
      const input = { cutoff: daysAgo(10), batchSize: 1_000 };
      const first = await deleteExpiredActionsBatch(db(), org, input);
      const second = await deleteExpiredActionsBatch(db(), org, { ...input, from: first.reached });
      expect([first.deleted, second.deleted]).toEqual([1_000, 1_000]);
      // The third batch's buffers, from where the second ended vs from the start (rolled back).
      const buffersOf = async (from: Date | null) => {
        const client = await requirePool(db(), "explain").connect();
        try {
          // The plan of a large table (this one is small enough for a sequential scan and a sort).
          await client.query("BEGIN; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off");
          const query = expiredActionsBatchQuery(org, { ...input, from });
          const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: Record<string, number> }] }>(
            `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${query.text}`,
            query.values,
          );
          const plan = rows[0]!["QUERY PLAN"][0].Plan;
          return plan["Shared Hit Blocks"]! + plan["Shared Read Blocks"]!;
        } finally {
          await client.query("ROLLBACK");
          client.release();
        }
      };
      const keyset = await buffersOf(second.reached);
      const fromStart = [await buffersOf(null), await buffersOf(null)];
      await annotate(
        `third batch of 1,000: ${keyset} buffers from where the last ended, ${fromStart.join(" then ")} from the start (deleted rows on ${pages} pages)`,
      );
      // From the start, the scan visits the heap pages of the deleted rows to learn they are gone,
      // and (the long transaction running) does so again every time: nothing marks them skippable.
      for (const buffers of fromStart) expect(buffers - keyset).toBeGreaterThanOrEqual(pages);
    } finally {
      await holder.query("ROLLBACK");
      holder.release();
    }
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
