import type { Page } from "@playwright/test";
import { expect, recordProcedureCalls, saveScreenshot, signInAs, test } from "../fixtures/test";

const UNMAPPABLE = "Unable to map suggested action to executable remediation.";
const historyRow = (page: Page, id: string) => page.locator(`[data-testid="history-row"][data-action-id="${id}"]`);
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

async function openExecute(page: Page, suggestion: string) {
  await page.getByRole("button", { name: `Execute: ${suggestion}` }).click();
  const dialog = page.getByRole("dialog", { name: "Execute suggested remediation?" });
  await expect(dialog).toBeVisible();
  return dialog;
}

test("incident list links to the investigation view", async ({ page, org }, testInfo) => {
  await signInAs(page, org, "viewer");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  await expect(page.getByTestId("incident-row")).toHaveCount(2);
  await saveScreenshot(page, testInfo, "incidents");
  await page.getByRole("link", { name: "checkout latency p99 over 2 s" }).click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${org.incidents.staging.id}$`));
  await expect(page.getByRole("heading", { name: "checkout latency p99 over 2 s" })).toBeVisible();
});

test("Execute → confirm → request, then the refetched newest row is highlighted", async ({ page, org }, testInfo) => {
  const earlier = await org.requestAction("staging");
  await signInAs(page, org, "operator");
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  await expect(historyRow(page, earlier.id)).toBeVisible();
  await expect(page.locator('[data-highlighted="true"]')).toHaveCount(0);

  const dialog = await openExecute(page, "Restart checkout");
  await expect(dialog.getByTestId("policy-preview")).toContainText("QUEUED");
  await dialog.getByRole("button", { name: "Request remediation" }).click();
  await expect(dialog).toBeHidden();
  await expect(
    toasts(page).getByText(/Remediation requested: restart-service is (QUEUED|EXECUTING|COMPLETED)/),
  ).toBeVisible();

  const [newest] = await org.actions();
  expect(newest?.id).not.toBe(earlier.id);
  const highlighted = page.locator('[data-testid="history-row"][data-highlighted="true"]');
  await expect(highlighted).toHaveCount(1);
  await expect(highlighted).toHaveAttribute("data-action-id", newest?.id ?? "");
  await expect(highlighted.getByTestId("action-status")).toHaveText("COMPLETED");
  await expect(highlighted.locator('[data-event-type="EXECUTION_SUCCEEDED"]')).toBeVisible();
  await saveScreenshot(page, testInfo, "incident-detail");
});

test("an unmappable suggestion shows the exact message and sends no request", async ({ page, org }) => {
  await signInAs(page, org, "operator");
  const requests = recordProcedureCalls(page, "remediation.request");
  for (const [incident, suggestion] of [
    [org.incidents.production.id, "Page the network team"], // unknown action type
    [org.incidents.staging.id, "Scale checkout to 5000 replicas"], // parameters outside the schema
  ] as const) {
    await page.goto(`/incidents/${incident}`);
    const dialog = await openExecute(page, suggestion);
    await dialog.getByRole("button", { name: "Request remediation" }).click();
    await expect(dialog.getByTestId("mapping-error")).toHaveText(UNMAPPABLE);
    await expect(toasts(page).getByText(UNMAPPABLE)).toBeVisible();
    await expect(dialog).toBeVisible();
  }
  expect(requests).toEqual([]);
  expect(await org.actions()).toEqual([]);
});

test("a request refused by policy anyway keeps the dialog open with an error toast", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 422/);
  await signInAs(page, org, "operator");
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  const dialog = await openExecute(page, "Restart checkout");
  await expect(dialog.getByTestId("policy-preview")).toContainText("QUEUED");
  // The policy changes after the preview: the server refuses, the dialog says so and stays open.
  await org.updatePolicy({ deniedActionTypes: ["restart-service"] });
  await dialog.getByRole("button", { name: "Request remediation" }).click();
  const message =
    "Action type restart-service is denied by policy. Policy match: organization deniedActionTypes includes restart-service.";
  await expect(toasts(page).getByText(message)).toBeVisible();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("alert")).toHaveText(message);
  expect(await org.actions()).toEqual([]);
});

test("approve dialog takes an optional reason; reject is inline with the contract's reason", async ({ page, org }) => {
  const toApprove = await org.requestAction("production");
  const toReject = await org.requestAction("production", {
    actionType: "clear-cache",
    parameters: { service: "api-gateway" },
  });
  // Separation of duties (on by default): the operator who requested them cannot approve them.
  await signInAs(page, org, "operator2");
  await page.goto(`/incidents/${org.incidents.production.id}`);

  await historyRow(page, toApprove.id).getByRole("button", { name: "Approve…" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve remediation" });
  await expect(dialog).toBeVisible();
  // Keyboard first: focus starts in the reason field and stays trapped in the dialog.
  await expect(dialog.getByLabel("Reason (optional)")).toBeFocused();
  await dialog.getByLabel("Reason (optional)").fill("Safe change window active");
  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(toasts(page).getByText("Approved restart-service: QUEUED")).toBeVisible();
  await expect(historyRow(page, toApprove.id).locator('[data-event-type="APPROVED"]')).toContainText(
    "Reason: Safe change window active",
  );
  await expect(historyRow(page, toApprove.id).getByTestId("action-status")).toHaveText("COMPLETED");

  await historyRow(page, toReject.id).getByRole("button", { name: "Reject" }).click();
  await expect(toasts(page).getByText("Rejected clear-cache")).toBeVisible();
  await expect(historyRow(page, toReject.id).getByTestId("action-status")).toHaveText("REJECTED");
  await expect(historyRow(page, toReject.id).locator('[data-event-type="REJECTED"]')).toContainText(
    "Reason: Rejected by operator from incident investigation view.",
  );
});

test("the approve dialog switches to override mode when the current policy objects", async ({ page, org }) => {
  const action = await org.requestAction("production");
  await org.updatePolicy({ blockedEnvironments: ["production"] });
  await signInAs(page, org, "operator2");
  await page.goto(`/incidents/${org.incidents.production.id}`);
  await historyRow(page, action.id).getByRole("button", { name: "Approve…" }).click();
  const dialog = page.getByRole("dialog", { name: "Override policy violations" });
  await expect(dialog.getByTestId("override-violations")).toContainText(
    "Environment production is blocked from automated remediation.",
  );
  await dialog.getByLabel("Override reason (required)").fill("Rollback is riskier than the restart");
  await dialog.getByRole("button", { name: "Override and approve" }).click();
  await expect(dialog).toBeHidden();
  await expect(historyRow(page, action.id).locator('[data-event-type="OVERRIDDEN"]')).toContainText(
    "Reason: Rollback is riskier than the restart",
  );
});
