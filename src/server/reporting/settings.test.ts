import { describe, expect, it } from "vitest";
import { matchRoute } from "@/server/rest/match";
import { REST_ROUTES } from "@/server/rest/routes";
import { reportingRoutes } from "@/server/rest/routes/reporting";
import { rest } from "@/test/calls";
import { createOrganization } from "@/test/factories";

const SETTINGS = "/remediation/reporting/settings";

async function put(org: string, body: unknown) {
  const res = await rest("PUT", SETTINGS, { auth: { organizationId: org }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("reporting settings", () => {
  it("creates the defaults on first read, in the reference's shape", async () => {
    const org = await createOrganization();
    const res = await rest("GET", SETTINGS, { auth: { organizationId: org } });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(
      [
        "createdAt",
        "lastReportAt",
        "organizationId",
        "reportCadence",
        "reportRecipients",
        "retentionDays",
        "scheduledReportEnabled",
        "updatedAt",
      ].sort(),
    );
    expect(body).toMatchObject({
      organizationId: org,
      retentionDays: 30,
      scheduledReportEnabled: false,
      reportCadence: "weekly",
      reportRecipients: [],
      lastReportAt: null,
    });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
    // The second read returns the same stored row.
    expect(await (await rest("GET", SETTINGS, { auth: { organizationId: org } })).json()).toEqual(body);
  });

  it.each([
    [{ retentionDays: 6 }, "retentionDays", "Retention must be at least 7 days"],
    [{ retentionDays: 3651 }, "retentionDays", "Retention must be at most 3650 days"],
    [{ retentionDays: 7.5 }, "retentionDays", "Retention must be a whole number of days"],
    [{ retentionDays: "30" }, "retentionDays", "Retention must be a number of days"],
    [{ reportCadence: "monthly" }, "reportCadence", 'Cadence must be "daily" or "weekly"'],
    [{ scheduledReportEnabled: "yes" }, "scheduledReportEnabled", "scheduledReportEnabled must be true or false"],
    [
      { reportRecipients: Array.from({ length: 21 }, (_, i) => `r${i}@example.com`) },
      "reportRecipients",
      "At most 20 recipients",
    ],
    [
      { reportRecipients: ["a@example.com", "b@example.com", "c@example.com", "not-an-email"] },
      "reportRecipients.3",
      '"not-an-email" is not a valid email address',
    ],
    [{ retentionDays: 30, colour: "blue" }, "", "Unknown field: colour"],
    [
      { scheduledReportEnabled: true },
      "reportRecipients",
      "Add at least one recipient before enabling scheduled reports",
    ],
  ])("refuses %j with 400 and a clear issue", async (body, path, message) => {
    const org = await createOrganization();
    const res = await put(org, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: "Bad Request" });
    expect(res.body.issues).toContainEqual({ path, message });
    // Nothing was stored.
    expect(await (await rest("GET", SETTINGS, { auth: { organizationId: org } })).json()).toMatchObject({
      retentionDays: 30,
      scheduledReportEnabled: false,
    });
  });

  it("lower-cases and de-duplicates recipients, and accepts any subset of fields", async () => {
    const org = await createOrganization();
    const first = await put(org, {
      reportRecipients: ["SRE@Example.com", "sre@example.com", " Compliance@Example.COM ", "sre@EXAMPLE.com"],
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      organizationId: org,
      retentionDays: 30,
      reportRecipients: ["sre@example.com", "compliance@example.com"],
    });

    // Enabling is fine now: the stored recipients are merged in.
    const second = await put(org, { scheduledReportEnabled: true, reportCadence: "daily" });
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({
      retentionDays: 30,
      scheduledReportEnabled: true,
      reportCadence: "daily",
      reportRecipients: ["sre@example.com", "compliance@example.com"],
    });

    const third = await put(org, { retentionDays: 90 });
    expect(third.body).toMatchObject({ retentionDays: 90, scheduledReportEnabled: true, reportCadence: "daily" });

    // Emptying the recipients of an enabled schedule is the same "enabled with none" → 400.
    const emptied = await put(org, { reportRecipients: [] });
    expect(emptied.status).toBe(400);
    expect(emptied.body.issues).toEqual([
      { path: "reportRecipients", message: "Add at least one recipient before enabling scheduled reports" },
    ]);
    // Disabling and emptying together is allowed.
    expect((await put(org, { scheduledReportEnabled: false, reportRecipients: [] })).status).toBe(200);
  });

  it("needs remediation:view to read and policy:update to write", async () => {
    const org = await createOrganization();
    expect(
      (await rest("GET", SETTINGS, { auth: { organizationId: org, permissions: ["remediation:view"] } })).status,
    ).toBe(200);
    const res = await rest("PUT", SETTINGS, {
      auth: { organizationId: org, permissions: ["remediation:view"] },
      body: { retentionDays: 60 },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ message: "Missing permission: policy:update" });
    expect((await rest("GET", SETTINGS, { auth: { organizationId: org, permissions: [] } })).status).toBe(403);
  });

  it("keeps organizations apart", async () => {
    const a = await createOrganization();
    const b = await createOrganization();
    await put(a, { retentionDays: 400 });
    expect(await (await rest("GET", SETTINGS, { auth: { organizationId: b } })).json()).toMatchObject({
      organizationId: b,
      retentionDays: 30,
    });
  });

  it("literal /remediation/reporting/... routes are not shadowed by /remediation/:id", async () => {
    // The workflow's parameterised routes are in the same table…
    expect(REST_ROUTES.some((r) => r.method === "GET" && r.path === "/remediation/:id")).toBe(true);
    // …and still every reporting path resolves to its own procedure.
    for (const route of reportingRoutes) {
      const concrete = route.path.replace(":runId", "00000000-0000-4000-8000-000000000000");
      expect(matchRoute(route.method, concrete)?.route.procedure, concrete).toBe(route.procedure);
    }
    const org = await createOrganization();
    for (const path of [SETTINGS, "/remediation/reporting/runs", "/remediation/reporting/runs/export/csv"]) {
      const res = await rest("GET", path, { auth: { organizationId: org } });
      expect(res.status, path).toBe(200);
    }
    const retention = await rest("POST", "/remediation/reporting/enforce-retention", { auth: { organizationId: org } });
    expect(retention.status).toBe(200);
    expect(await retention.json()).toMatchObject({ organizationId: org, retentionDays: 30, deletedCount: 0 });
  });
});
