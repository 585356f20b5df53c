import { describe, expect, it } from "vitest";
import { rest } from "@/test/calls";
import { createOrganization } from "@/test/factories";
import { createReportRun, parseCsv } from "@/test/reporting-fixtures";

const at = (iso: string) => new Date(iso);

async function seedRuns(org: string) {
  const base = { cadence: "weekly" as const, periodStart: at("2026-11-01T00:00:00Z"), completedAt: null };
  const rows = [
    { ...base, trigger: "schedule" as const, status: "success" as const, startedAt: at("2026-11-20T06:00:00.000Z") },
    {
      ...base,
      trigger: "manual" as const,
      status: "failed" as const,
      startedAt: at("2026-11-21T06:00:00.000Z"),
      recipients: ["a@example.com", "b@example.com"],
      deliveredCount: 1,
      failedDeliveryCount: 1,
      deliveryFailures: [{ recipient: "b@example.com", error: "Resend refused the email (422): bad" }],
      error: "Delivery failed for 1 of 2 recipients.",
    },
    { ...base, trigger: "retry" as const, status: "success" as const, startedAt: at("2026-11-22T06:00:00.000Z") },
    { ...base, trigger: "manual" as const, status: "running" as const, startedAt: at("2026-11-23T06:00:00.000Z") },
  ];
  const created = [];
  for (const row of rows) {
    created.push(await createReportRun(org, { recipients: ["a@example.com"], periodEnd: row.startedAt, ...row }));
  }
  return created;
}

async function list(org: string, query: string) {
  const res = await rest("GET", `/remediation/reporting/runs${query}`, { auth: { organizationId: org } });
  return { status: res.status, body: await res.json() };
}

describe("report run list and CSV export", () => {
  it("lists newest first with status, inclusive from/to and limit filters", async () => {
    const org = await createOrganization();
    const [r20, r21, r22, r23] = await seedRuns(org);
    const ids = (body: { id: string }[]) => body.map((r) => r.id);

    const all = await list(org, "");
    expect(all.status).toBe(200);
    expect(ids(all.body)).toEqual([r23?.id, r22?.id, r21?.id, r20?.id]);
    expect(Object.keys(all.body[0]).sort()).toEqual(
      [
        "id",
        "organizationId",
        "cadence",
        "trigger",
        "retryOfRunId",
        "recipients",
        "deliveredCount",
        "failedDeliveryCount",
        "deliveryFailures",
        "deletedCount",
        "totalActions",
        "failedActions",
        "pendingApprovals",
        "queuedExecutions",
        "overridesInPeriod",
        "overrideReviewsPending",
        "overrideReviewsFlagged",
        "status",
        "error",
        "startedAt",
        "completedAt",
      ].sort(),
    );

    expect(ids((await list(org, "?status=success")).body)).toEqual([r22?.id, r20?.id]);
    expect(ids((await list(org, "?status=running")).body)).toEqual([r23?.id]);
    expect(ids((await list(org, "?status=")).body)).toHaveLength(4);
    // Both bounds are inclusive.
    expect(ids((await list(org, "?from=2026-11-21T06:00:00.000Z&to=2026-11-22T06:00:00.000Z")).body)).toEqual([
      r22?.id,
      r21?.id,
    ]);
    // A bare `to` date covers that whole day.
    expect(ids((await list(org, "?from=2026-11-21&to=2026-11-22")).body)).toEqual([r22?.id, r21?.id]);
    expect(ids((await list(org, "?from=2026-11-22T07:00:00%2B01:00&status=success")).body)).toEqual([r22?.id]);
    expect(ids((await list(org, "?limit=2")).body)).toEqual([r23?.id, r22?.id]);

    // Another organization sees none of them.
    expect((await list(await createOrganization(), "")).body).toEqual([]);
  });

  it.each([
    ["?from=yesterday", "from"],
    ["?to=2026-13-01", "to"],
    ["?from=2026-11-23&to=2026-11-21", "from"],
    ["?status=done", "status"],
    ["?limit=0", "limit"],
    ["?limit=501", "limit"],
    ["?limit=abc", "limit"],
  ])("refuses %s with 400", async (query, path) => {
    const org = await createOrganization();
    const res = await list(org, query);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: "Bad Request" });
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it("exports the same rows as CSV with the contract's columns and filename", async () => {
    const org = await createOrganization();
    const [, r21, r22] = await seedRuns(org);
    const res = await rest("GET", "/remediation/reporting/runs/export/csv?from=2026-11-21&to=2026-11-22", {
      auth: { organizationId: org },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="remediation-report-runs.csv"');
    const text = await res.text();
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n")[0]).toBe(
      "id,organizationId,cadence,trigger,recipients,deliveredCount,failedDeliveryCount,deliveryFailures,deletedCount,totalActions,failedActions,pendingApprovals,queuedExecutions,status,error,startedAt,completedAt,overridesInPeriod,overrideReviewsPending,overrideReviewsFlagged",
    );
    const records = parseCsv(text);
    expect(records.map((r) => r.id)).toEqual([r22?.id, r21?.id]);
    expect(records[1]).toMatchObject({
      organizationId: org,
      trigger: "manual",
      recipients: "a@example.com;b@example.com",
      deliveredCount: "1",
      failedDeliveryCount: "1",
      status: "failed",
      error: "Delivery failed for 1 of 2 recipients.",
      startedAt: "2026-11-21T06:00:00.000Z",
      completedAt: "",
    });
    expect(JSON.parse(records[1]?.deliveryFailures ?? "")).toEqual([
      { recipient: "b@example.com", error: "Resend refused the email (422): bad" },
    ]);

    const bad = await rest("GET", "/remediation/reporting/runs/export/csv?to=nope", { auth: { organizationId: org } });
    expect(bad.status).toBe(400);
  });
});
