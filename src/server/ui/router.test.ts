import { describe, expect, it } from "vitest";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { ACTIVITY_DAYS, getActivityByDay } from "@/server/remediation/get-activity-by-day";
import { enforceRetention } from "@/server/reporting/enforce-retention";
import { previewRetention } from "@/server/reporting/preview-retention";
import { callerFor } from "@/test/calls";
import { createActions, createIncident, createOrganization, createUser } from "@/test/factories";

const DAY = 86_400_000;

/** A signed-in browser user (unless `via: "token"`) of the organization. */
const sessionCaller = (organizationId: string, permissions: readonly string[], via: "session" | "token" = "session") =>
  callerFor(organizationId, { permissions, via, userId: "admin-1", email: "a@x.test" });

describe("getActivityByDay", () => {
  it("counts the organization's actions per UTC day and status over 14 days, empty days included", async () => {
    const org = await createOrganization("ui-activity");
    const other = await createOrganization("ui-activity-other");
    const incident = await createIncident(org);
    const now = new Date("2026-11-28T12:00:00.000Z");
    await createActions(org, {
      count: 3,
      status: "COMPLETED",
      incidentId: incident,
      createdAt: new Date("2026-11-28T10:00:00Z"),
    });
    await createActions(org, {
      count: 2,
      status: "FAILED",
      incidentId: incident,
      createdAt: new Date("2026-11-28T00:00:01Z"),
    });
    await createActions(org, {
      count: 1,
      status: "PENDING_APPROVAL",
      incidentId: incident,
      createdAt: new Date("2026-11-20T23:59:59Z"),
      environment: "staging",
    });
    // Outside the window (day 15) and another organization's rows: not counted.
    await createActions(org, {
      count: 4,
      status: "COMPLETED",
      incidentId: incident,
      createdAt: new Date("2026-11-14T23:00:00Z"),
    });
    await createActions(other, {
      count: 5,
      status: "COMPLETED",
      incidentId: await createIncident(other),
      createdAt: now,
    });

    const days = await getActivityByDay({ db: db(), scope: orgScope(org) }, {}, now);
    expect(days).toHaveLength(ACTIVITY_DAYS);
    expect(days[0]?.day).toBe("2026-11-15");
    expect(days.at(-1)).toMatchObject({ day: "2026-11-28", total: 5, counts: { COMPLETED: 3, FAILED: 2, QUEUED: 0 } });
    expect(days.find((d) => d.day === "2026-11-20")).toMatchObject({ total: 1, counts: { PENDING_APPROVAL: 1 } });
    expect(days.reduce((n, d) => n + d.total, 0)).toBe(6);

    const staging = await getActivityByDay({ db: db(), scope: orgScope(org) }, { environment: "staging" }, now);
    expect(staging.reduce((n, d) => n + d.total, 0)).toBe(1);
  });

  it("is served to viewers through ui.activityByDay", async () => {
    const org = await createOrganization("ui-activity-proc");
    const days = await sessionCaller(org, ROLE_PERMISSIONS.viewer).ui.activityByDay({});
    expect(days).toHaveLength(ACTIVITY_DAYS);
    expect(days.every((d) => d.total === 0)).toBe(true);
  });
});

describe("previewRetention", () => {
  it("counts exactly the rows enforce-retention then deletes, with the same cutoff", async () => {
    const org = await createOrganization("ui-retention");
    const incident = await createIncident(org);
    const now = new Date();
    const old = new Date(now.getTime() - 40 * DAY);
    for (const status of ["COMPLETED", "FAILED", "REJECTED", "PENDING_APPROVAL", "QUEUED", "EXECUTING"] as const) {
      await createActions(org, { count: 2, status, incidentId: incident, createdAt: old });
    }
    await createActions(org, { count: 3, status: "COMPLETED", incidentId: incident, createdAt: now });

    const scope = orgScope(org);
    const preview = await previewRetention({ db: db(), scope }, now);
    expect(preview).toMatchObject({ retentionDays: 30, eligibleCount: 6 });
    expect(preview.cutoff.getTime()).toBe(now.getTime() - 30 * DAY);
    const result = await enforceRetention({ db: db(), scope }, { now });
    expect(result.deletedCount).toBe(preview.eligibleCount);
    expect(result.cutoff).toEqual(preview.cutoff);
  });
});

describe("ui.members", () => {
  it("lists only the caller's organization's members with their names", async () => {
    const org = await createOrganization("ui-members");
    const other = await createOrganization("ui-members-other");
    const suffix = org.slice(-8);
    await createUser(org, { email: `m-${suffix}@x.test`, name: "Mia Member", role: "operator" });
    await createUser(other, { email: `o-${suffix}@x.test`, name: "Otto Other", role: "admin" });
    const members = await sessionCaller(org, ROLE_PERMISSIONS.viewer).ui.members();
    expect(members).toEqual([
      expect.objectContaining({ name: "Mia Member", email: `m-${suffix}@x.test`, role: "operator" }),
    ]);
  });
});
