import { describe, expect, it } from "vitest";
import { sealOrganization } from "@/server/audit/sealer";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { listActions } from "@/server/db/stores/actions";
import { listEventsOfAction } from "@/server/db/stores/events";
import { listIncidents } from "@/server/db/stores/incidents";
import { listMembers } from "@/server/db/stores/memberships";
import { getStats } from "@/server/remediation/get-stats";
import { expectIntactChain, exportAudit } from "@/test/audit-fixtures";
import { demoHistory, HISTORY_DAYS } from "./demo-history";
import { seedDemo } from "./seed-demo";

const DAY = 86_400_000;
const people = { requester: "u-req", approver: "u-appr", admin: "u-admin" };

describe("demoHistory", () => {
  const now = new Date("2026-11-30T10:00:00Z");
  const history = demoHistory(now, people);

  it("is the same for the same time, spans the last 14 days and ends an hour before now", () => {
    expect(demoHistory(now, people)).toEqual(history);
    const times = history.map((h) => h.createdAt.getTime());
    expect(Math.min(...times)).toBeGreaterThanOrEqual(now.getTime() - (HISTORY_DAYS + 1) * DAY);
    expect(Math.min(...times)).toBeLessThan(now.getTime() - (HISTORY_DAYS - 1) * DAY);
    for (const h of history) expect(h.action.updatedAt.getTime()).toBeLessThan(now.getTime());
    expect(new Set(history.map((h) => h.serviceName)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(history.map((h) => h.environment)).size).toBeGreaterThanOrEqual(3);
  });

  it("holds every ending, each with the events that lead to it in time order", () => {
    const types = history.map((h) => h.action.events.map((e) => e.type).join(" "));
    expect(types).toContain("REQUESTED APPROVED EXECUTION_STARTED EXECUTION_SUCCEEDED");
    expect(types).toContain("REQUESTED OVERRIDDEN EXECUTION_STARTED EXECUTION_SUCCEEDED");
    expect(types).toContain("REQUESTED REJECTED");
    expect(types).toContain("REQUESTED EXECUTION_STARTED EXECUTION_FAILED");
    expect(types).toContain("REQUESTED EXECUTION_STARTED EXECUTION_SUCCEEDED");
    for (const { action } of history) {
      const at = action.events.map((e) => e.at.getTime());
      expect(at).toEqual([...at].sort((a, b) => a - b));
      expect(action.events[0]!.at).toEqual(action.createdAt);
      expect(action.events.at(-1)!.at).toEqual(action.updatedAt);
      const last = action.events.at(-1)!.type;
      expect(
        { COMPLETED: "EXECUTION_SUCCEEDED", FAILED: "EXECUTION_FAILED", REJECTED: "REJECTED" }[action.status],
      ).toBe(last);
      // Only production waits for a person; the others are queued by policy.
      const decided = action.events.some((e) => ["APPROVED", "OVERRIDDEN", "REJECTED"].includes(e.type));
      expect(decided).toBe(history.find((h) => h.action === action)!.environment === "production");
    }
  });
});

// This file's database starts empty (src/test/setup.ts), which is what the demo seed needs.
describe("seedDemo", () => {
  it("seeds the demo organization once: users, today's incidents and requests, and two weeks of history", async () => {
    expect(await seedDemo(db())).toBe(true);
    expect(await seedDemo(db())).toBe(false);

    const members = await listMembers(db(), "org_demo", 10);
    // One transaction: the memberships share a createdAt, so their order is the user ids'.
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual([
      ["admin@demo.local", "admin"],
      ["operator2@demo.local", "operator"],
      ["operator@demo.local", "operator"],
      ["viewer@demo.local", "viewer"],
    ]);
    const operator = members.find((m) => m.email === "operator@demo.local")!;
    const incidents = await listIncidents(db(), "org_demo", { limit: 200 });
    const today = incidents.filter((i) => ["INC-1001", "INC-1002", "INC-1003"].includes(i.externalId ?? ""));
    expect(today).toHaveLength(3);
    const past = incidents.filter((i) => i.status === "RESOLVED");
    expect(past.length).toBe(incidents.length - 3);
    expect(past.length).toBeGreaterThanOrEqual(3 * HISTORY_DAYS - 2);

    const actions = await listActions(db(), "org_demo", { limit: 500 });
    expect(actions).toHaveLength(past.length + 4);
    expect(new Set(actions.map((a) => a.performedBy))).toEqual(new Set([operator.userId]));
    expect(new Set(actions.map((a) => a.status))).toEqual(
      new Set(["PENDING_APPROVAL", "QUEUED", "COMPLETED", "FAILED", "REJECTED"]),
    );
    // The counters trigger counted the history like any other action.
    const stats = await getStats({ db: db(), scope: orgScope("org_demo") }, {});
    expect(stats.total).toBe(actions.length);

    // A past action's events carry their own times, not the seed's.
    const rejected = actions.find((a) => a.status === "REJECTED")!;
    const events = await listEventsOfAction(db(), "org_demo", rejected.id);
    expect(events.map((e) => e.type)).toEqual(["REQUESTED", "REJECTED"]);
    expect(Date.now() - events[1]!.createdAt.getTime()).toBeGreaterThan(3_600_000);

    // The whole trail seals into one chain that verifies.
    await sealOrganization(db(), "org_demo");
    expectIntactChain(await exportAudit("org_demo"), "org_demo");
  });
});
