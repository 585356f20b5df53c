import { expect, saveScreenshot, signInAs, test } from "../fixtures/test";

test("a viewer sees pending approvals and suggestions but no approve, reject or execute buttons", async ({
  page,
  org,
}, testInfo) => {
  const pending = await org.requestAction("production");
  await signInAs(page, org, "viewer");
  await expect(page.getByTestId("signed-in-role")).toHaveText("viewer");
  await expect(page.getByTestId("signed-in-user")).toContainText(org.id);
  const row = page.locator(`[data-testid="pending-row"][data-action-id="${pending.id}"]`);
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.getByTestId("policy-verdict")).toContainText("Environment production requires approval.");
  await expect(page.getByRole("button", { name: /Approve|Reject|Override/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Export CSV" })).toBeVisible();
  await saveScreenshot(page, testInfo, "control-center-viewer");

  await page.goto(`/incidents/${org.incidents.production.id}`);
  await expect(page.getByTestId("suggestion")).toHaveCount(2);
  await expect(page.locator(`[data-testid="history-row"][data-action-id="${pending.id}"]`)).toBeVisible();
  await expect(page.getByRole("button", { name: /Execute|Approve|Reject/ })).toHaveCount(0);
});

test("an operator gets decision buttons but no admin settings", async ({ page, org }) => {
  await org.requestAction("production");
  await signInAs(page, org, "operator");
  await expect(page.getByRole("button", { name: "Approve" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Reject" })).toBeVisible();
  await page.goto("/settings");
  await expect(page.getByRole("tab", { name: "API tokens" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Save settings" })).toHaveCount(0);
});
