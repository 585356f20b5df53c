import type { Page } from "@playwright/test";
import { expect, saveScreenshot, signInAs, test } from "../fixtures/test";

// Settings → API tokens (docs/behaviour.md#api-tokens): create with a one-time reveal, use the
// token with a plain HTTP request, revoke it behind a confirmation, and the same request is 401.
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

test("an admin creates a token, uses it over plain HTTP, revokes it, and it is refused", async ({
  page,
  org,
  request,
}, testInfo) => {
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signInAs(page, org, "admin");
  await page.goto("/settings");
  await page.getByRole("tab", { name: "API tokens" }).click();

  const form = page.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name").fill("e2e deploy bot");
  await form.getByRole("checkbox", { name: "remediation:request" }).check();
  await form.getByLabel("Lifetime").selectOption({ label: "7 days" });
  await form.getByRole("button", { name: "Create token" }).click();

  const token = await page.getByRole("textbox", { name: "API token" }).inputValue();
  expect(token.split(".")).toHaveLength(3);
  await page.getByRole("button", { name: "Copy token" }).click();
  await expect(toasts(page).getByText("Token copied to the clipboard")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);

  const row = page.getByTestId("token-row").filter({ hasText: "e2e deploy bot" });
  await expect(row).toContainText("remediation:view, remediation:request");
  await expect(row).toContainText("Active");
  await expect(row).toContainText("Never");

  // A plain HTTP client with the token: within its permissions 200, beyond them 403.
  const headers = { authorization: `Bearer ${token}` };
  expect((await request.get("/remediation/stats", { headers })).status()).toBe(200);
  expect((await request.get("/remediation/tokens", { headers })).status()).toBe(403);

  // Done hides the token for good; the list shows its first use after a refetch.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("textbox", { name: "API token" })).toHaveCount(0);
  await page.reload();
  await page.getByRole("tab", { name: "API tokens" }).click();
  await expect(row).not.toContainText("Never");
  await saveScreenshot(page, testInfo, "settings-tokens");

  await row.getByRole("button", { name: "Revoke…" }).click();
  const dialog = page.getByRole("dialog", { name: 'Revoke token "e2e deploy bot"?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Revoke token" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(toasts(page).getByText('Token "e2e deploy bot" revoked')).toBeVisible();
  await expect(row).toContainText("Revoked");
  await expect(row.getByRole("button", { name: "Revoke…" })).toHaveCount(0);

  const refused = await request.get("/remediation/stats", { headers });
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ statusCode: 401, message: "Token has been revoked" });
});
