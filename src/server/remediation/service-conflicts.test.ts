import { describe, expect, it } from "vitest";
import { SERVICE_CONFLICTS_LIMIT as CONFLICTS_LIMIT } from "@/lib/action-request";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { callerFor } from "@/test/calls";
import { createActions, createIncident, createOrganization } from "@/test/factories";

describe("ui.serviceConflicts (the execute dialog's pre-flight)", () => {
  it("lists the organization's unfinished actions on that service and environment, newest first", async () => {
    const org = await createOrganization("conflicts");
    const other = await createOrganization("conflicts-other");
    const incidentId = await createIncident(org);
    const t = Date.now();
    const at = (minutes: number) => new Date(t - minutes * 60_000);
    const [pending, queued, executing] = await createActions(org, [
      { incidentId, status: "PENDING_APPROVAL", serviceName: "checkout", environment: "production", createdAt: at(3) },
      { incidentId, status: "QUEUED", serviceName: "checkout", environment: "production", createdAt: at(2) },
      { incidentId, status: "EXECUTING", serviceName: "checkout", environment: "production", createdAt: at(1) },
      // Finished, another service, another environment: no conflict.
      { incidentId, status: "COMPLETED", serviceName: "checkout", environment: "production" },
      { incidentId, status: "FAILED", serviceName: "checkout", environment: "production" },
      { incidentId, status: "REJECTED", serviceName: "checkout", environment: "production" },
      { incidentId, status: "QUEUED", serviceName: "payments", environment: "production" },
      { incidentId, status: "QUEUED", serviceName: "checkout", environment: "staging" },
    ]);
    // Another organization's running action on the same service is never seen.
    await createActions(other, [{ status: "EXECUTING", serviceName: "checkout", environment: "production" }]);

    const caller = callerFor(org, { permissions: ROLE_PERMISSIONS.viewer });
    const rows = await caller.ui.serviceConflicts({ serviceName: "checkout", environment: "production" });
    expect(rows.map((r) => r.id)).toEqual([executing, queued, pending]);
    expect(rows.map((r) => r.status)).toEqual(["EXECUTING", "QUEUED", "PENDING_APPROVAL"]);
    expect(await caller.ui.serviceConflicts({ serviceName: "checkout", environment: "dev" })).toEqual([]);
  });

  it("returns one row past the limit so the dialog can say there are more", async () => {
    const org = await createOrganization("conflicts-many");
    await createActions(org, { count: CONFLICTS_LIMIT + 5, status: "QUEUED", serviceName: "svc" });
    const rows = await callerFor(org, { permissions: ROLE_PERMISSIONS.viewer }).ui.serviceConflicts({
      serviceName: "svc",
      environment: "production",
    });
    expect(rows).toHaveLength(CONFLICTS_LIMIT + 1);
  });

  it("refuses a malformed environment and an anonymous caller", async () => {
    const org = await createOrganization("conflicts-bad");
    const caller = callerFor(org, { permissions: ROLE_PERMISSIONS.viewer });
    await expect(caller.ui.serviceConflicts({ serviceName: "svc", environment: "Prod!" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      callerFor(org, { permissions: [] }).ui.serviceConflicts({ serviceName: "svc", environment: "production" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
