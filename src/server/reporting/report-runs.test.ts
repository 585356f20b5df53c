import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmailSettings } from "@/server/email";
import { type RestOptions, rest } from "@/test/calls";
import { createActions, createOrganization } from "@/test/factories";
import { attachmentsOf, createReportRun, daysAgo, startResendStandIn } from "@/test/reporting-fixtures";
import { testEmailSettings } from "@/test/settings";

const FROM = "Compliance Reports <reports@example.com>";
let resend: Awaited<ReturnType<typeof startResendStandIn>>;
let email: EmailSettings;

beforeAll(async () => {
  resend = await startResendStandIn();
  // RESEND_API_KEY=re_test_key, RESEND_BASE_URL=<the stand-in>, REPORT_FROM_EMAIL=FROM
  email = testEmailSettings({ resend: { apiKey: "re_test_key", baseUrl: resend.url }, from: FROM });
});

afterAll(async () => {
  await resend.close();
});

/** Every REST call of this file: reports go out through the Resend stand-in. */
const call = (method: string, path: string, options: RestOptions = {}) =>
  rest(method, path, { ...options, emailSettings: email });

async function organizationWithRecipients(recipients: string[]) {
  const org = await createOrganization();
  const res = await call("PUT", "/remediation/reporting/settings", {
    auth: { organizationId: org },
    body: { reportRecipients: recipients },
  });
  expect(res.status).toBe(200);
  return org;
}

const sentTo = (address: string) => resend.requests.filter((r) => r.body.to === address);

describe("report runs through Resend", () => {
  it("send now: figures, retention, one email per recipient with the audit CSV attached", async () => {
    const org = await organizationWithRecipients(["sre@example.com", "audit@example.com"]);
    const now = Date.now();
    await createActions(org, [
      { status: "COMPLETED", createdAt: daysAgo(1, now) },
      { status: "FAILED", createdAt: daysAgo(2, now) },
      { status: "PENDING_APPROVAL", createdAt: daysAgo(0.1, now) },
      { status: "QUEUED", createdAt: daysAgo(0.2, now) },
      { status: "COMPLETED", createdAt: daysAgo(10, now) }, // outside the weekly period, inside retention
      { status: "FAILED", createdAt: daysAgo(40, now) }, // past the 30-day retention: deleted
      { status: "PENDING_APPROVAL", createdAt: daysAgo(40, now) }, // old but pending: kept
    ]);

    const res = await call("POST", "/remediation/reporting/runs", { auth: { organizationId: org } });
    expect(res.status).toBe(200);
    const run = await res.json();
    expect(run).toMatchObject({
      organizationId: org,
      cadence: "weekly",
      trigger: "manual",
      retryOfRunId: null,
      recipients: ["sre@example.com", "audit@example.com"],
      deliveredCount: 2,
      failedDeliveryCount: 0,
      deliveryFailures: [],
      deletedCount: 1,
      totalActions: 4,
      failedActions: 1,
      pendingApprovals: 2,
      queuedExecutions: 1,
      status: "success",
      error: null,
    });
    expect(new Date(run.completedAt).getTime()).toBeGreaterThanOrEqual(new Date(run.startedAt).getTime());

    const [toSre] = sentTo("sre@example.com");
    expect(sentTo("audit@example.com")).toHaveLength(1);
    expect(toSre).toBeDefined();
    if (!toSre) return;
    expect(toSre.method).toBe("POST");
    expect(toSre.url).toBe("/emails");
    expect(toSre.headers.authorization).toBe("Bearer re_test_key");
    expect(toSre.body).toMatchObject({ from: FROM, to: "sre@example.com" });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(toSre.body.subject).toBe(
      `Remediation report — Test ${org} — ${day(daysAgo(7, new Date(run.startedAt).getTime()))} to ${day(new Date(run.startedAt))}`,
    );
    expect(toSre.body.html).toContain("<html");
    expect(String(toSre.body.text)).toContain("Failed actions created in the period");
    const [attachment] = attachmentsOf(toSre);
    expect(attachment?.filename).toBe("remediation-audit-export.csv");
    const lines = attachment?.text.split("\r\n") ?? [];
    expect(lines[0]).toBe(
      "id,incidentId,actionType,status,performedBy,serviceName,environment,createdAt,updatedAt,details,error",
    );
    expect(lines.filter(Boolean)).toHaveLength(1 + 4);
    // The signed chain head rides along, attached and printed (docs/audit.md#checkpoint).
    const checkpoint = JSON.parse(attachmentsOf(toSre).find((a) => a.filename === "audit-checkpoint.json")?.text ?? "");
    expect(checkpoint).toMatchObject({ organizationId: org, seq: expect.any(Number), kid: expect.any(String) });
    expect(String(toSre.body.text)).toContain(checkpoint.signature);

    // lastReportAt only moves for scheduled runs.
    const settings = await (
      await call("GET", "/remediation/reporting/settings", { auth: { organizationId: org } })
    ).json();
    expect(settings.lastReportAt).toBeNull();
  });

  it("a refused recipient fails the run; the retry re-sends only to it and links the runs", async () => {
    const org = await organizationWithRecipients(["ok@example.com", "bounce@example.com"]);
    await createActions(org, [
      { status: "FAILED", createdAt: daysAgo(1) },
      { status: "COMPLETED", createdAt: daysAgo(45) },
    ]);
    resend.reject.add("bounce@example.com");

    const failed = await (await call("POST", "/remediation/reporting/runs", { auth: { organizationId: org } })).json();
    expect(failed).toMatchObject({
      status: "failed",
      deliveredCount: 1,
      failedDeliveryCount: 1,
      deletedCount: 1,
      totalActions: 1,
      failedActions: 1,
      error: "Delivery failed for 1 of 2 recipients.",
    });
    expect(failed.deliveryFailures).toEqual([
      { recipient: "bounce@example.com", error: expect.stringContaining("Invalid `to` field") },
    ]);

    resend.reject.delete("bounce@example.com");
    const okBefore = sentTo("ok@example.com").length;
    const res = await call("POST", `/remediation/reporting/runs/${failed.id}/retry`, { auth: { organizationId: org } });
    expect(res.status).toBe(200);
    const retry = await res.json();
    expect(retry).toMatchObject({
      trigger: "retry",
      retryOfRunId: failed.id,
      cadence: "weekly",
      recipients: ["bounce@example.com"],
      deliveredCount: 1,
      failedDeliveryCount: 0,
      deliveryFailures: [],
      deletedCount: 0,
      totalActions: 1,
      failedActions: 1,
      status: "success",
      error: null,
    });
    expect(retry.id).not.toBe(failed.id);
    expect(sentTo("ok@example.com")).toHaveLength(okBefore);
    const resent = sentTo("bounce@example.com").at(-1);
    expect(resent?.body.subject).toBe(sentTo("ok@example.com").at(-1)?.body.subject);
    expect(attachmentsOf(resent!)[0]?.text).toContain("FAILED");

    // Newest first, both visible.
    const list = await (await call("GET", "/remediation/reporting/runs", { auth: { organizationId: org } })).json();
    expect(list.map((r: { id: string }) => r.id)).toEqual([retry.id, failed.id]);
  });

  it("retrying a run that delivered nothing re-sends to all of its recipients", async () => {
    const org = await organizationWithRecipients(["x@example.com"]);
    const interrupted = await createReportRun(org, {
      cadence: "daily",
      trigger: "schedule",
      recipients: ["x@example.com", "y@example.com"],
      status: "failed",
      error: "Report run interrupted: worker stopped",
      periodStart: daysAgo(2),
      periodEnd: daysAgo(1),
      totalActions: 5,
    });
    const retry = await (
      await call("POST", `/remediation/reporting/runs/${interrupted.id}/retry`, { auth: { organizationId: org } })
    ).json();
    expect(retry).toMatchObject({
      trigger: "retry",
      cadence: "daily",
      retryOfRunId: interrupted.id,
      recipients: ["x@example.com", "y@example.com"],
      deliveredCount: 2,
      totalActions: 5,
      status: "success",
    });
  });

  it("retrying a run whose deliveries all succeeded is a 409: nothing to retry, nothing sent, no run", async () => {
    const org = await organizationWithRecipients(["one@example.com", "two@example.com"]);
    const run = await (await call("POST", "/remediation/reporting/runs", { auth: { organizationId: org } })).json();
    expect(run).toMatchObject({ status: "success", deliveredCount: 2, failedDeliveryCount: 0 });
    const sentBefore = resend.requests.length;

    const res = await call("POST", `/remediation/reporting/runs/${run.id}/retry`, { auth: { organizationId: org } });
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 409,
      body: {
        statusCode: 409,
        error: "Conflict",
        message: `Report run ${run.id} has no failed deliveries: nothing to retry`,
      },
    });
    expect(resend.requests.length).toBe(sentBefore);
    const runs = await (await call("GET", "/remediation/reporting/runs", { auth: { organizationId: org } })).json();
    expect(runs.map((r: { id: string }) => r.id)).toEqual([run.id]);

    // The same for a successful retry: once the failed recipients got it, there is nothing left.
    const retried = await createReportRun(org, { trigger: "retry", status: "success", deliveredCount: 1 });
    const again = await call("POST", `/remediation/reporting/runs/${retried.id}/retry`, {
      auth: { organizationId: org },
    });
    expect(again.status).toBe(409);
    expect(resend.requests.length).toBe(sentBefore);
  });

  it("409 while the run is still running; 404 for unknown, malformed or foreign ids", async () => {
    const org = await organizationWithRecipients(["a@example.com"]);
    const running = await createReportRun(org, {
      cadence: "weekly",
      trigger: "manual",
      recipients: ["a@example.com"],
      status: "running",
      periodStart: daysAgo(7),
      periodEnd: new Date(),
    });
    const conflict = await call("POST", `/remediation/reporting/runs/${running.id}/retry`, {
      auth: { organizationId: org },
    });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ statusCode: 409, error: "Conflict" });

    const other = await createOrganization();
    for (const id of ["7f1b2c3d-0000-4000-8000-000000000000", "not-a-uuid", "123"]) {
      const res = await call("POST", `/remediation/reporting/runs/${id}/retry`, { auth: { organizationId: org } });
      expect(res.status, id).toBe(404);
      expect(await res.json()).toMatchObject({ statusCode: 404, error: "Not Found" });
    }
    const foreign = await call("POST", `/remediation/reporting/runs/${running.id}/retry`, {
      auth: { organizationId: other },
    });
    expect(foreign.status).toBe(404);
    // Retries need policy:update.
    expect(
      (
        await call("POST", `/remediation/reporting/runs/${running.id}/retry`, {
          auth: { organizationId: org, permissions: ["remediation:view"] },
        })
      ).status,
    ).toBe(403);
    // Unknown body keys are a 400.
    expect(
      (await call("POST", "/remediation/reporting/runs", { auth: { organizationId: org }, body: { force: true } }))
        .status,
    ).toBe(400);
  });

  it("send now without recipients is a 400", async () => {
    const org = await createOrganization();
    const res = await call("POST", "/remediation/reporting/runs", { auth: { organizationId: org } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ message: "Add at least one report recipient before sending a report" });
  });
});
