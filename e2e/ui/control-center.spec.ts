import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { expect, recordProcedureCalls, saveScreenshot, signInAs, test } from "../fixtures/test";

const APPROVE_REASON = "Approved from remediation control center.";
const REJECT_REASON = "Rejected from remediation control center.";
const pendingRow = (page: Page, id: string) => page.locator(`[data-testid="pending-row"][data-action-id="${id}"]`);
const actionRow = (page: Page, id: string) => page.locator(`[data-testid="action-row"][data-action-id="${id}"]`);
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

test("hero, stats, chart and pending approvals show the server's figures and verdicts", async ({
  page,
  org,
}, testInfo) => {
  await org.updatePolicy({ blockedEnvironments: ["qa"] });
  const needsApproval = await org.requestAction("production");
  const blocked = await org.requestAction("staging", { environment: "qa" });
  const queued = await org.requestAction("staging");
  expect([needsApproval.status, blocked.status, queued.status]).toEqual([
    "PENDING_APPROVAL",
    "PENDING_APPROVAL",
    "QUEUED",
  ]);

  await signInAs(page, org, "operator");
  await expect(page.getByTestId("signal-label")).toHaveText("Healthy");
  await expect(page.getByTestId("signal-pending")).toHaveText("2");
  await expect(page.getByTestId("signal-reason")).toHaveText("No remediation pressure.");
  // The simulated executor finishes the queued action; polling brings the figures up to date.
  await expect(page.getByTestId("stat-completed")).toHaveText("1");
  await expect(page.getByTestId("stat-success-rate")).toHaveText("33.3%");
  await expect(page.getByTestId("activity-chart").locator(".recharts-bar-rectangle").first()).toBeVisible();

  const row = pendingRow(page, needsApproval.id);
  await expect(row).toContainText("api-gateway 5xx rate above 12%");
  await expect(row).toContainText("restart-service");
  await expect(row).toContainText("production");
  await expect(row).toContainText(/\d+s ago|min ago/);
  await expect(row.getByTestId("approval-tally")).toHaveText("0 of 1 approval");
  // The governance details unfold under the compact row.
  await expect(row.getByTestId("pending-details")).toHaveCount(0);
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.getByRole("button", { name: "Details" })).toHaveAttribute("aria-expanded", "true");
  await expect(row).toContainText("service=api-gateway");
  await expect(row).toContainText("HIGH");
  await expect(row.getByTestId("requester")).toHaveText(org.users.operator.name);
  await expect(row.getByTestId("policy-verdict")).toHaveAttribute("data-verdict", "approval");
  await expect(row.getByTestId("policy-verdict")).toContainText("Environment production requires approval.");
  const blockedRow = pendingRow(page, blocked.id);
  // Riskier (a violation) than the plain approval: first in the queue.
  await expect(page.getByTestId("pending-row").first()).toHaveAttribute("data-action-id", blocked.id);
  await expect(blockedRow.getByTestId("override-rule")).toHaveText("⚠ Override: qa is blocked");
  await blockedRow.getByRole("button", { name: "Details" }).click();
  await expect(blockedRow.getByTestId("policy-verdict")).toHaveAttribute("data-verdict", "violation");
  await expect(blockedRow.getByTestId("policy-verdict")).toContainText(
    "Environment qa is blocked from automated remediation.",
  );
  await expect(blockedRow.getByRole("button", { name: "Override…" })).toBeVisible();
  await saveScreenshot(page, testInfo, "control-center");

  // Narrow window: rows stack, wide tables scroll inside their card, the page never scrolls sideways.
  await page.setViewportSize({ width: 420, height: 900 });
  await expect(row.getByRole("button", { name: "Approve" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await saveScreenshot(page, testInfo, "control-center-narrow");
});

test("inline approve hides the row, then the refetched table shows QUEUED → COMPLETED", async ({ page, org }) => {
  const action = await org.requestAction("production");
  // Separation of duties (on by default): the operator who requested it cannot approve it.
  await signInAs(page, org, "operator2");
  const row = pendingRow(page, action.id);
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(row).toBeHidden();
  await expect(toasts(page).getByText("Approved restart-service: QUEUED")).toBeVisible();
  await expect(actionRow(page, action.id)).toHaveAttribute("data-status", /QUEUED|EXECUTING|COMPLETED/);
  await expect(actionRow(page, action.id)).toHaveAttribute("data-status", "COMPLETED");
  await expect(row).toHaveCount(0);
  const [stored] = await org.query<{ details: { approval: { reason: string; override: boolean } } }>(
    "SELECT details FROM remediation_actions WHERE id = $1",
    [action.id],
  );
  expect(stored?.details.approval).toMatchObject({ reason: APPROVE_REASON, override: false });
});

test("approve on a newly blocked environment shows what changed and then requires a typed override reason", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 409/);
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Approve" })).toBeEnabled();
  // Live: nothing refetches the card but events, and a policy change is none, so the guardrail is
  // only revealed by the approval itself.
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  await org.updatePolicy({ blockedEnvironments: ["production"] });
  const approvals = recordProcedureCalls(page, "remediation.approve");

  await row.getByRole("button", { name: "Approve" }).click();
  // The card was shown under the old policy: 409, nothing recorded, and the card says what changed.
  await expect(
    toasts(page).getByText("The approval context changed since it was shown; review the action again."),
  ).toBeVisible();
  await expect(row).toBeVisible();
  await expect(row.getByTestId("context-changed")).toContainText(
    "Guardrails changed: Environment production is blocked from automated remediation.",
  );
  await expect(row.getByTestId("override-rule")).toHaveText("⚠ Override: production is blocked");
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.getByTestId("policy-verdict")).toHaveAttribute("data-verdict", "violation");
  expect(approvals).toHaveLength(1);
  const [pending] = await org.query<{ status: string }>("SELECT status FROM remediation_actions WHERE id = $1", [
    action.id,
  ]);
  expect(pending?.status).toBe("PENDING_APPROVAL");

  await row.getByRole("button", { name: "Override…" }).click();
  const dialog = page.getByRole("dialog", { name: "Override policy violations" });
  await expect(dialog.getByTestId("override-violations")).toContainText(
    "Environment production is blocked from automated remediation.",
  );
  await expect(dialog.getByTestId("context-changed")).toContainText("The policy changed.");
  await dialog.getByRole("button", { name: "Override and approve" }).click();
  await expect(dialog.getByText("Type a reason to override the policy violations.")).toBeVisible();
  expect(approvals).toHaveLength(1);
  await dialog.getByLabel("Override reason (required)").fill("Customer outage, approved by the incident commander");
  await dialog.getByRole("button", { name: "Override and approve" }).click();
  await expect(dialog).toBeHidden();
  expect(approvals).toHaveLength(2);
  await expect(toasts(page).getByText("Override approved restart-service: QUEUED")).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(row.getByRole("button", { name: "Override…" })).toHaveCount(0);

  await page.goto(`/incidents/${action.incidentId}`);
  const history = page.locator(`[data-testid="history-row"][data-action-id="${action.id}"]`);
  await expect(history.getByTestId("action-status")).toHaveText(/QUEUED|EXECUTING|COMPLETED/);
  await expect(history.locator('[data-event-type="OVERRIDDEN"]')).toContainText(
    "Reason: Customer outage, approved by the incident commander",
  );
  const [stored] = await org.query<{ details: { approval: { override: boolean; violations: string[] } } }>(
    "SELECT details FROM remediation_actions WHERE id = $1",
    [action.id],
  );
  expect(stored?.details.approval).toMatchObject({
    override: true,
    violations: ["Environment production is blocked from automated remediation."],
  });
});

test("a row with recorded violations opens the override prompt without sending an approval", async ({ page, org }) => {
  await org.updatePolicy({ blockedEnvironments: ["qa"] });
  const action = await org.requestAction("staging", { environment: "qa" });
  await signInAs(page, org, "operator2");
  const approvals = recordProcedureCalls(page, "remediation.approve");
  await pendingRow(page, action.id).getByRole("button", { name: "Override…" }).click();
  const dialog = page.getByRole("dialog", { name: "Override policy violations" });
  await expect(dialog).toContainText("Environment qa is blocked from automated remediation.");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  expect(approvals).toEqual([]);
});

test("inline reject hides the row and records the contract's reason", async ({ page, org }) => {
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator");
  const row = pendingRow(page, action.id);
  await row.getByRole("button", { name: "Reject" }).click();
  await expect(row).toBeHidden();
  await expect(toasts(page).getByText("Rejected restart-service")).toBeVisible();
  await expect(actionRow(page, action.id)).toHaveAttribute("data-status", "REJECTED");
  const [stored] = await org.query<{ status: string; details: { rejection: { reason: string } } }>(
    "SELECT status::text AS status, details FROM remediation_actions WHERE id = $1",
    [action.id],
  );
  expect(stored).toMatchObject({ status: "REJECTED", details: { rejection: { reason: REJECT_REASON } } });
});

test("a failed decision restores the row with the backend message", async ({ page, org, consoleErrors }) => {
  consoleErrors.allow(/status of 401/);
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Approve" })).toBeVisible();
  // The session ends in another tab: the approval is refused by the server, not by the UI.
  await page.context().clearCookies();
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(toasts(page).getByText("Authentication required")).toBeVisible();
  await expect(row).toBeVisible();
  await expect(row.getByRole("button", { name: "Approve" })).toBeEnabled();
  const [stored] = await org.query<{ status: string }>(
    "SELECT status::text AS status FROM remediation_actions WHERE id = $1",
    [action.id],
  );
  expect(stored?.status).toBe("PENDING_APPROVAL");
});

test("an operator demoted after the page loaded gets the row back with the 403 message", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 403/);
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Approve" })).toBeVisible();
  // The permission is removed on the server; the page still shows the operator's buttons.
  await org.query(`UPDATE memberships SET role = 'viewer' WHERE "userId" = $1 AND "organizationId" = $2`, [
    org.users.operator2.id,
    org.id,
  ]);
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(toasts(page).getByText("Missing permission: remediation:approve")).toBeVisible();
  await expect(row).toBeVisible();
  const [stored] = await org.query<{ status: string }>(
    "SELECT status::text AS status FROM remediation_actions WHERE id = $1",
    [action.id],
  );
  expect(stored?.status).toBe("PENDING_APPROVAL");
});

test("rejecting an action someone else already decided shows the backend message", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 400/);
  // Without the live stream (it would remove the row at once) the page polls every 5 s instead.
  consoleErrors.allow(/EventSource|status of 404/);
  await page.route("**/remediation/events/stream*", (route) => route.fulfill({ status: 404, body: "" }));
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Reject" })).toBeVisible();
  // Right after a poll, so the next one (5 s later) cannot remove the row before the click.
  await page.waitForResponse((r) => r.url().includes("remediation.pendingQueue") && r.ok());
  const decided = await org.api(
    "POST",
    `/remediation/${action.id}/reject`,
    { reason: "decided elsewhere" },
    "operator",
  );
  expect(decided.status).toBe(200);
  await row.getByRole("button", { name: "Reject" }).click();
  await expect(
    toasts(page).getByText(
      'Cannot reject action in "REJECTED" status — only PENDING_APPROVAL actions can be rejected.',
    ),
  ).toBeVisible();
  // The refetch after the failure is the truth: the row is gone and the table says REJECTED.
  await expect(row).toHaveCount(0);
  await expect(actionRow(page, action.id)).toHaveAttribute("data-status", "REJECTED");
});

test("a row decided elsewhere disappears by polling", async ({ page, org }) => {
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator");
  await expect(pendingRow(page, action.id)).toBeVisible();
  await org.api("POST", `/remediation/${action.id}/reject`, {}, "admin");
  await expect(pendingRow(page, action.id)).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByText("No actions are waiting for approval.")).toBeVisible();
});

test("actions table filters by status and environment and exports the CSV", async ({ page, org }) => {
  const pending = await org.requestAction("production");
  const queued = await org.requestAction("staging");
  await signInAs(page, org, "operator");
  await expect(actionRow(page, queued.id)).toHaveAttribute("data-status", "COMPLETED");

  await page.getByLabel("Status filter").selectOption("PENDING_APPROVAL");
  await expect(actionRow(page, queued.id)).toHaveCount(0);
  await expect(actionRow(page, pending.id)).toBeVisible();
  await page.getByLabel("Status filter").selectOption("");
  await page.getByLabel("Environment filter").fill("staging");
  await expect(actionRow(page, pending.id)).toHaveCount(0);
  await expect(actionRow(page, queued.id)).toBeVisible();
  await page.getByLabel("Environment filter").fill("");
  // The incident by its title, not its id.
  await actionRow(page, queued.id).getByRole("link", { name: "checkout latency p99 over 2 s" }).click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${queued.incidentId}$`));
  await page.goBack();

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe("remediation-audit-export.csv");
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.split("\r\n");
  expect(lines[0]).toBe(
    "id,incidentId,actionType,status,performedBy,serviceName,environment,createdAt,updatedAt,details,error",
  );
  expect(csv).toContain(pending.id);
  expect(csv).toContain(queued.id);
});
