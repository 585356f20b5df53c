import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import type { SeededOrg } from "../fixtures/seed";
import { expect, saveScreenshot, signInAs, test } from "../fixtures/test";

const DAY = 86_400_000;
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

async function openTab(page: Page, name: string) {
  await page.goto("/settings");
  await page.getByRole("tab", { name }).click();
}

/** A finished run in which one of two deliveries failed (what a flaky mail server leaves behind). */
async function insertFailedRun(org: SeededOrg): Promise<string> {
  const id = randomUUID();
  const now = Date.now();
  await org.query(
    `INSERT INTO report_runs (id, "organizationId", cadence, trigger, recipients, "deliveredCount", "failedDeliveryCount",
       "deliveryFailures", "totalActions", status, error, "periodStart", "periodEnd", "startedAt", "completedAt")
     VALUES ($1, $2, 'weekly', 'manual', $3, 1, 1, $4::jsonb, 3, 'failed', $5, $6, $7, $7, $7)`,
    [
      id,
      org.id,
      ["sre@example.com", "compliance@example.com"],
      JSON.stringify([{ recipient: "compliance@example.com", error: "550 mailbox unavailable" }]),
      "1 of 2 deliveries failed",
      new Date(now - 7 * DAY - 60_000),
      new Date(now - 60_000),
    ],
  );
  return id;
}

test("reporting settings show the API's validation messages, then save", async ({ page, org }, testInfo) => {
  await signInAs(page, org, "admin");
  await openTab(page, "Reporting");
  const form = page.getByRole("form", { name: "Reporting settings" });
  await expect(form.getByLabel("Retention (days)")).toHaveValue("30");

  await form.getByLabel("Retention (days)").fill("3");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByText("Retention must be at least 7 days")).toBeVisible();
  await form.getByLabel("Retention (days)").fill("4000");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByText("Retention must be at most 3650 days")).toBeVisible();

  await form.getByLabel("Retention (days)").fill("90");
  await form.getByLabel("Report recipients").fill("sre@example.com, not-an-email");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByText('"not-an-email" is not a valid email address')).toBeVisible();

  await form.getByLabel("Report recipients").fill("");
  await form.getByLabel("Send scheduled reports").check();
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(form.getByText("Add at least one recipient before enabling scheduled reports")).toBeVisible();

  await form.getByLabel("Report recipients").fill("SRE@Example.com\nsre@example.com\ncompliance@example.com");
  await form.getByLabel("Report cadence").selectOption("daily");
  await form.getByRole("button", { name: "Save settings" }).click();
  await expect(toasts(page).getByText("Reporting settings saved")).toBeVisible();
  await expect(form.getByLabel("Report recipients")).toHaveValue("sre@example.com\ncompliance@example.com");
  const saved = await org.api<Record<string, unknown>>("GET", "/remediation/reporting/settings");
  expect(saved.body).toMatchObject({
    retentionDays: 90,
    scheduledReportEnabled: true,
    reportCadence: "daily",
    reportRecipients: ["sre@example.com", "compliance@example.com"],
  });
  await saveScreenshot(page, testInfo, "settings-reporting");
});

test("report runs: filter, retry a failed run, send now, outbox and CSV export", async ({ page, org }, testInfo) => {
  await org.api("PUT", "/remediation/reporting/settings", { reportRecipients: ["sre@example.com"] });
  const failed = await insertFailedRun(org);
  await signInAs(page, org, "admin");
  await openTab(page, "Report runs");
  const runRow = page.locator(`[data-testid="run-row"][data-run-id="${failed}"]`);
  await expect(runRow).toContainText("1 of 2 deliveries failed");

  await page.getByLabel("Run status filter").selectOption("success");
  await expect(page.getByText("No report runs match these filters.")).toBeVisible();
  await page.getByLabel("Run status filter").selectOption("failed");
  await expect(runRow).toBeVisible();
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("From date").fill(today);
  await page.getByLabel("To date").fill(today);
  await expect(runRow).toBeVisible();
  // The filters and the open tab are in the URL: reloading it (a shared link) reproduces the view.
  for (const param of ["tab=runs", "runStatus=failed", `runFrom=${today}`, `runTo=${today}`]) {
    await expect(page).toHaveURL(new RegExp(`[?&]${param}(&|$)`));
  }
  await page.reload();
  await expect(page.getByLabel("Run status filter")).toHaveValue("failed");
  await expect(page.getByLabel("From date")).toHaveValue(today);
  await expect(runRow).toBeVisible();
  await page.getByLabel("Run status filter").selectOption("");
  await expect(page).not.toHaveURL(/runStatus=/);

  await runRow.getByRole("button", { name: "Retry" }).click();
  await expect(toasts(page).getByText("Retry delivered to 1 recipient(s)")).toBeVisible();
  const retryRow = page.locator('[data-testid="run-row"][data-trigger="retry"]');
  await expect(retryRow).toHaveAttribute("data-status", "success");
  await expect(retryRow).toContainText("compliance@example.com");

  await page.getByRole("button", { name: "Send report now" }).click();
  await expect(toasts(page).getByText("Report sent to 1 recipient(s)")).toBeVisible();
  await expect(page.locator('[data-testid="run-row"][data-trigger="manual"][data-status="success"]')).toHaveCount(1);
  await saveScreenshot(page, testInfo, "settings-runs");

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("remediation-report-runs.csv");
  const csv = readFileSync(await download.path(), "utf8");
  expect(csv.split("\r\n")[0]).toBe(
    "id,organizationId,cadence,trigger,recipients,deliveredCount,failedDeliveryCount,deliveryFailures,deletedCount,totalActions,failedActions,pendingApprovals,queuedExecutions,status,error,startedAt,completedAt,overridesInPeriod,overrideReviewsPending,overrideReviewsFlagged",
  );
  expect(csv).toContain(failed);

  await page.getByRole("tab", { name: "Email outbox" }).click();
  await expect(page.getByTestId("outbox-email")).toHaveCount(2);
  await expect(page.getByTestId("outbox-to")).toHaveText(["sre@example.com", "compliance@example.com"]);
  await saveScreenshot(page, testInfo, "settings-outbox");
});

test("report runs offer Retry only on runs with failed deliveries", async ({ page, org }) => {
  const failed = await insertFailedRun(org);
  const [succeeded] = await org.query<{ id: string }>(
    `INSERT INTO report_runs (id, "organizationId", cadence, trigger, recipients, "deliveredCount", "failedDeliveryCount",
       "deliveryFailures", "totalActions", status, "periodStart", "periodEnd", "startedAt", "completedAt")
     VALUES (gen_random_uuid(), $1, 'weekly', 'schedule', $2, 1, 0, '[]'::jsonb, 3, 'success',
       now() - interval '7 days', now(), now(), now())
     RETURNING id`,
    [org.id, ["sre@example.com"]],
  );
  // The server refuses a retry of the successful run (nothing failed, nobody gets it twice).
  const refused = await org.api<{ message: string }>("POST", `/remediation/reporting/runs/${succeeded?.id}/retry`);
  expect(refused.status).toBe(409);

  await signInAs(page, org, "admin");
  await openTab(page, "Report runs");
  const run = (id: string | undefined) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]`);
  await expect(run(succeeded?.id)).toBeVisible();
  await expect(run(failed).getByRole("button", { name: "Retry" })).toBeVisible();
  await expect(run(succeeded?.id).getByRole("button", { name: "Retry" })).toHaveCount(0);
});

test("enforce retention asks for confirmation with the cutoff, then deletes", async ({ page, org }) => {
  const incident = org.incidents.staging.id;
  await org.query(
    `INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, environment, severity,
       status, "performedBy", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, $2::uuid, 'restart-service', '{"service":"checkout"}', 'staging', 'LOW',
       'COMPLETED', 'seed', now() - interval '40 days', now() - interval '40 days' FROM generate_series(1, 3)`,
    [org.id, incident],
  );
  await signInAs(page, org, "admin");
  await openTab(page, "Reporting");
  await page.getByRole("button", { name: "Enforce retention now…" }).click();
  const dialog = page.getByRole("dialog", { name: "Enforce retention now?" });
  await expect(dialog.getByTestId("retention-eligible")).toContainText("3 terminal action(s)");
  const cutoff = Date.parse((await dialog.getByTestId("retention-cutoff").getAttribute("data-cutoff")) ?? "");
  expect(Math.abs(cutoff - (Date.now() - 30 * DAY))).toBeLessThan(60_000);
  await dialog.getByRole("button", { name: "Delete expired actions" }).click();
  await expect(toasts(page).getByText("Retention enforced: 3 action(s) deleted")).toBeVisible();
  await expect(dialog).toBeHidden();
  expect(await org.actions()).toEqual([]);
});

test("policy editor saves guardrails and freeze windows; the dry run evaluates them", async ({
  page,
  org,
}, testInfo) => {
  await signInAs(page, org, "admin");
  await openTab(page, "Policy");
  const form = page.getByRole("form", { name: "Policy" });
  await expect(form.getByLabel("Environments that require approval")).toHaveValue("production");

  await form.getByLabel("Blocked environments (guardrail)").fill("qa, Prod!");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(form.getByText("Environment must be a lowercase slug (a-z, 0-9, -), 1–63 characters")).toBeVisible();
  await form.getByLabel("Blocked environments (guardrail)").fill("qa");

  await form.getByRole("button", { name: "Add freeze window" }).click();
  const window = form.getByTestId("freeze-window");
  await window.getByLabel("Start").fill("2026-01-01T00:00");
  await window.getByLabel("End").fill("2099-01-01T00:00");
  await window.getByLabel("Environments").fill("staging");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(window.getByText("reason is required")).toBeVisible();
  await window.getByLabel("Reason").fill("Year-end freeze");
  await form.getByRole("checkbox", { name: "run-runbook" }).last().check();
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(toasts(page).getByText("Policy saved")).toBeVisible();
  const saved = await org.api<Record<string, unknown>>("GET", "/remediation/policy");
  expect(saved.body).toMatchObject({
    blockedEnvironments: ["qa"],
    deniedActionTypes: ["run-runbook"],
    freezeWindows: [{ environments: ["staging"], reason: "Year-end freeze" }],
  });

  const dryRun = page.getByRole("form", { name: "Policy dry run" });
  await dryRun.getByLabel("Environment").fill("qa");
  await dryRun.getByRole("button", { name: "Evaluate" }).click();
  await expect(page.getByTestId("dry-run-result")).toHaveAttribute("data-outcome", "PENDING_APPROVAL");
  await expect(page.getByTestId("dry-run-detail")).toHaveText(
    "Environment qa is blocked from automated remediation. Policy match: organization blockedEnvironments includes qa.",
  );
  await dryRun.getByLabel("Environment").fill("staging");
  await dryRun.getByRole("button", { name: "Evaluate" }).click();
  await expect(page.getByTestId("dry-run-detail")).toContainText(
    "Environment staging is in a change freeze until 2099-01-01",
  );
  await dryRun.getByLabel("Action type").selectOption("run-runbook");
  await dryRun.getByLabel("Parameters (JSON)").fill('{ "runbook": "flush" }');
  await dryRun.getByRole("button", { name: "Evaluate" }).click();
  await expect(page.getByTestId("dry-run-result")).toHaveAttribute("data-outcome", "BLOCKED");
  await saveScreenshot(page, testInfo, "settings-policy");
});

test("a viewer sees settings read-only, without tokens or actions", async ({ page, org }) => {
  await signInAs(page, org, "viewer");
  await openTab(page, "Reporting");
  await expect(page.getByLabel("Retention (days)")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Enforce retention now…" })).toHaveCount(0);
  await expect(page.getByRole("tab", { name: "API tokens" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Report runs" }).click();
  await expect(page.getByText("No report runs match these filters.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Send report now" })).toHaveCount(0);
  await page.getByRole("tab", { name: "Policy" }).click();
  await expect(page.getByLabel("Blocked environments (guardrail)")).toBeDisabled();
  await expect(page.getByRole("button", { name: "Save policy" })).toHaveCount(0);
});
