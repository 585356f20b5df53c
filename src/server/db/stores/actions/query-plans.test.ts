import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { ACTION_STATUSES } from "@/lib/schemas";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { appendLifecycleEvents } from "@/server/db/simulate";
import { HISTORY_LIMIT } from "@/server/remediation/list-history";
import { createActions, createIncidents, createOrganization } from "@/test/factories";
import { approvalMetricsQuery, decisionTimeByDayQuery } from "../approval-metrics";
import {
  activeForServiceQuery,
  exportCsvQuery,
  listActionsQuery,
  pendingChangeQuery,
  pendingQueueQuery,
  prioritySignalQuery,
  recentFailuresQuery,
} from ".";

// The hot reads must be index range scans that need no Sort. Asserted on the planner's choice
// (EXPLAIN, no timing) over a table shaped like production: two organizations of 15,000 actions,
// incidents with about ten actions each (the planner's choice depends on that ratio: when one
// incident holds a large share of a small table, a bitmap scan + sort of its rows is cheaper).

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

async function planOf(query: Prisma.Sql): Promise<PlanNode[]> {
  const rows = await db().$queryRaw<{ "QUERY PLAN": [{ Plan: PlanNode }] }[]>(
    Prisma.sql`EXPLAIN (FORMAT JSON) ${query}`,
  );
  return nodes(rows[0]!["QUERY PLAN"][0].Plan);
}

function expectIndexRangeScan(plan: PlanNode[], index: string) {
  const onActions = plan.filter((n) => n["Relation Name"] === "remediation_actions");
  expect(onActions.map((n) => n["Node Type"])).not.toContain("Seq Scan");
  // The incident title (and basis) of each returned row: key lookups, never a scan of incidents.
  const onIncidents = plan.filter((n) => n["Relation Name"] === "incidents");
  expect(onIncidents.map((n) => n["Node Type"])).not.toContain("Seq Scan");
  expect(plan.map((n) => n["Node Type"])).not.toContain("Sort");
  expect(plan.map((n) => n["Node Type"])).not.toContain("Incremental Sort");
  expect(onActions.some((n) => /^Index (Only )?Scan$/.test(n["Node Type"]) && n["Index Name"] === index)).toBe(true);
}

let scope: ReturnType<typeof orgScope>;
let incidentId: string;

const ENVIRONMENTS = ["production", "staging", "dev", "qa"];
/** Statuses spread evenly and independently of the environment (high bits of a multiplicative hash). */
const statusOf = (g: number) => ACTION_STATUSES[(Math.imul(g, 2654435761) >>> 16) % ACTION_STATUSES.length]!;

beforeAll(async () => {
  const [big, other] = [await createOrganization("plans"), await createOrganization("plans")];
  scope = orgScope(big);
  for (const org of [big, other]) {
    const incidents = await createIncidents(org, 1500, { serviceName: "svc" });
    const now = Date.now();
    await createActions(org, {
      count: 15_000,
      parameters: {},
      serviceName: null,
      performedBy: "u",
      each: (i) => {
        const g = i + 1;
        const at = new Date(now - g * 60_000);
        return {
          incidentId: incidents[g % 1500]!,
          environment: ENVIRONMENTS[g % 4]!,
          status: statusOf(g),
          createdAt: at,
          updatedAt: at,
        };
      },
    });
  }
  // Approval decisions of about one action in six, written a minute after the request (a REQUESTED
  // event for every action); the events' trigger copies each decision into approval_decisions.
  for (const org of [big, other]) await appendLifecycleEvents(org);
  // And the big organization's older decisions (15 to 90 days ago), as after months of use: the
  // windows read a small share of its approval_decisions rows, as in production.
  await db().$executeRaw`
    INSERT INTO approval_decisions ("actionId", "eventId", "organizationId", "decidedAt", outcome, seconds)
    SELECT gen_random_uuid(), gen_random_uuid(), ${big}, now() - interval '15 days' - g * interval '3 minutes',
           'APPROVED'::"ActionEventType", 60
    FROM generate_series(1, 36000) g`;
  await db().$executeRawUnsafe("VACUUM ANALYZE remediation_events");
  await db().$executeRawUnsafe("VACUUM ANALYZE approval_decisions");
  incidentId = (await db().incident.findFirstOrThrow({ where: { organizationId: big }, orderBy: { id: "asc" } })).id;
  // What autovacuum keeps in place on a live table: statistics and the visibility map.
  await db().$executeRawUnsafe("VACUUM ANALYZE remediation_actions");
}, 120_000);

describe("query plans of the hot reads", () => {
  it("actions list: plain, ?status=, ?environment=, ?incidentId=", async () => {
    expectIndexRangeScan(
      await planOf(listActionsQuery(scope.organizationId, { limit: 50 })),
      "remediation_actions_organizationId_createdAt_id_idx",
    );
    expectIndexRangeScan(
      await planOf(listActionsQuery(scope.organizationId, { limit: 500 })),
      "remediation_actions_organizationId_createdAt_id_idx",
    );
    expectIndexRangeScan(
      await planOf(listActionsQuery(scope.organizationId, { status: "FAILED", limit: 50 })),
      "remediation_actions_organizationId_status_createdAt_id_idx",
    );
    expectIndexRangeScan(
      await planOf(listActionsQuery(scope.organizationId, { environment: "staging", limit: 50 })),
      "remediation_actions_organizationId_environment_createdAt_id_idx",
    );
    expectIndexRangeScan(
      await planOf(listActionsQuery(scope.organizationId, { incidentId, limit: 50 })),
      "remediation_actions_organizationId_incidentId_createdAt_id_idx",
    );
  });

  // The (environment, status, updatedAt) ranges (a bitmap of them here, half of this table being
  // unfinished) or, for dense matches, a walk of (environment, createdAt) that stops at the limit:
  // an environment index of the organization either way, never a scan of the table.
  it("unfinished actions of one service (execute pre-flight): an environment index, no Seq Scan", async () => {
    const plan = await planOf(
      activeForServiceQuery(scope.organizationId, { serviceName: "svc", environment: "staging", limit: 11 }),
    );
    const onActions = plan.filter((n) => n["Relation Name"] === "remediation_actions");
    expect(onActions.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    expect(plan.some((n) => n["Index Name"]?.startsWith("remediation_actions_organizationId_environment_"))).toBe(true);
  });

  it("pending queue: the partial risk index in order, cut by OFFSET/LIMIT; the total from the counters", async () => {
    for (const offset of [0, 1000]) {
      const plan = await planOf(pendingQueueQuery(scope.organizationId, { offset, limit: 25 }));
      const onActions = plan.filter((n) => n["Relation Name"] === "remediation_actions");
      expect(onActions.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(onActions.map((n) => n["Node Type"])).not.toContain("Bitmap Heap Scan");
      expect(onActions.some((n) => n["Index Name"] === "remediation_actions_pending_risk_idx")).toBe(true);
      // The backlog is never sorted: the only Sort (if any) orders the page's ≤ 25 joined rows,
      // above the Limit that reads the index in order.
      const limit = plan.find((n) => n["Node Type"] === "Limit")!;
      expect(nodes(limit).map((n) => n["Node Type"])).not.toContain("Sort");
      expect(plan.filter((n) => n["Relation Name"] === "remediation_counters").map((n) => n["Index Name"])).toEqual([
        "remediation_counters_pkey",
      ]);
    }
  });

  it("history/:incidentId", async () => {
    expectIndexRangeScan(
      await planOf(listActionsQuery(scope.organizationId, { incidentId, limit: HISTORY_LIMIT })),
      "remediation_actions_organizationId_incidentId_createdAt_id_idx",
    );
  });

  it("CSV export: the list's index range, no Sort (outer ORDER BY satisfied by the subquery)", async () => {
    // Limits well under the filtered row count: near it, a bitmap scan + sort is the cheaper plan.
    for (const [filters, limit, index] of [
      [{}, 2000, "remediation_actions_organizationId_createdAt_id_idx"],
      [{ status: "FAILED" as const }, 500, "remediation_actions_organizationId_status_createdAt_id_idx"],
    ] as const) {
      expectIndexRangeScan(await planOf(exportCsvQuery(scope.organizationId, filters, limit)), index);
    }
  });

  it("priority-signal recent failures: a range on the (…, status, updatedAt) indexes", async () => {
    for (const [environment, index] of [
      [undefined, "remediation_actions_organizationId_status_updatedAt_idx"],
      ["production", "remediation_actions_organizationId_environment_status_updat_idx"],
    ] as const) {
      const plan = await planOf(recentFailuresQuery(scope.organizationId, environment, new Date()));
      expect(plan.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(plan.map((n) => n["Index Name"]).filter(Boolean)).toEqual([index]);
      // The whole signal statement: the same failures scan plus the counters' primary key, and
      // the overdue override reviews (docs/behaviour.md#override-review) on their own index.
      const whole = await planOf(prioritySignalQuery(scope.organizationId, environment, new Date()));
      expect(
        whole.filter((n) => n["Relation Name"] === "remediation_actions").map((n) => n["Node Type"]),
      ).not.toContain("Seq Scan");
      const names = whole.map((n) => n["Index Name"]).filter((name): name is string => Boolean(name));
      expect(whole.filter((n) => n["Relation Name"] === "override_reviews").map((n) => n["Node Type"])).not.toContain(
        "Seq Scan",
      );
      expect(new Set(names.filter((name) => name.startsWith("override_reviews_")))).toEqual(
        new Set(["override_reviews_organizationId_status_dueAt_idx"]),
      );
      expect(new Set(names.filter((name) => !name.startsWith("override_reviews_")))).toEqual(
        new Set([
          index,
          "remediation_counters_pkey",
          ...(environment
            ? ["remediation_actions_pkey"]
            : // The pending queue's 24 h change, organization-wide only (next test).
              [
                "remediation_actions_organizationId_status_createdAt_id_idx",
                "approval_decisions_organizationId_decidedAt_outcome_seconds_idx",
              ]),
        ]),
      );
    }
  });

  it("priority-signal pending change over 24 h: the pending range and an index-only approval_decisions range", async () => {
    const plan = await planOf(pendingChangeQuery(scope.organizationId, new Date()));
    const scans = plan.filter((n) => n["Relation Name"] !== undefined);
    expect(scans.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    expect(scans.map((n) => n["Node Type"])).not.toContain("Bitmap Heap Scan");
    const onActions = scans.filter((n) => n["Relation Name"] === "remediation_actions");
    expect(onActions.map((n) => n["Index Name"])).toEqual([
      "remediation_actions_organizationId_status_createdAt_id_idx",
    ]);
    const onDecisions = scans.filter((n) => n["Relation Name"] === "approval_decisions");
    expect(onDecisions.map((n) => [n["Node Type"], n["Index Name"]])).toEqual([
      ["Index Only Scan", "approval_decisions_organizationId_decidedAt_outcome_seconds_idx"],
    ]);
  });

  it("approval metrics and decision time by day: one approval_decisions range, no probe of actions per decision", async () => {
    const now = new Date();
    const index = "approval_decisions_organizationId_decidedAt_outcome_seconds_idx";
    for (const query of [
      approvalMetricsQuery(scope.organizationId, new Date(now.getTime() - 7 * 86_400_000), now),
      decisionTimeByDayQuery(scope.organizationId, new Date(now.getTime() - 14 * 86_400_000)),
    ]) {
      const plan = await planOf(query);
      const scans = plan.filter((n) => n["Relation Name"] !== undefined);
      expect(scans.map((n) => n["Node Type"])).not.toContain("Seq Scan");
      expect(scans.map((n) => n["Node Type"])).not.toContain("Bitmap Heap Scan");
      const onDecisions = scans.filter((n) => n["Relation Name"] === "approval_decisions");
      expect(onDecisions).toHaveLength(1);
      expect(onDecisions[0]!["Node Type"]).toMatch(/^Index (Only )?Scan$/);
      expect(onDecisions[0]!["Index Name"]).toBe(index);
      // No lookup of remediation_actions per decision (its primary key is never read); the oldest
      // pending: the first entry of the status index.
      const onActions = scans.filter((n) => n["Relation Name"] === "remediation_actions").map((n) => n["Index Name"]);
      for (const i of onActions) expect(i).toBe("remediation_actions_organizationId_status_createdAt_id_idx");
    }
  });
});
