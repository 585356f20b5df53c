import type { Page } from "@playwright/test";
import { expect, saveScreenshot, signInAs, test } from "../fixtures/test";

// Policy versions and replay in the editor (docs/behaviour.md#policy-version, #policy-simulate):
// the draft's live "what would have changed", the explicit "Publish anyway", the version history
// with its field diff, and a save made stale by another admin.

const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

async function openPolicy(page: Page) {
  await page.goto("/settings");
  await page.getByRole("tab", { name: "Policy" }).click();
  return page.getByRole("form", { name: "Policy" });
}

test("an admin sees what requiring approval in staging would have changed, confirms and finds it in the history", async ({
  page,
  org,
}, testInfo) => {
  // History: two staging restarts that ran at once, one production restart that waited for approval.
  const staging = [await org.requestAction("staging"), await org.requestAction("staging")];
  await org.requestAction("production");
  expect(staging.map((a) => a.status)).toEqual(["QUEUED", "QUEUED"]);

  await signInAs(page, org, "admin");
  const form = await openPolicy(page);
  const impact = form.getByTestId("policy-impact");
  await expect(impact.getByRole("heading", { name: "What would have changed (last 30 days)" })).toBeVisible();
  await expect(impact.getByTestId("impact-changed")).toHaveAttribute("data-changed", "0");
  await expect(impact.getByTestId("impact-changed")).toContainText("0 of 3 requests");

  await form.getByLabel("Environments that require approval").fill("production, staging");
  await expect(impact.getByTestId("impact-changed")).toHaveAttribute("data-changed", "2");
  await expect(impact.getByTestId("impact-changed")).toContainText(
    "2 of 3 requests would have been decided differently",
  );
  await expect(impact.locator('[data-testid="impact-total"][data-outcome="QUEUED"]')).toContainText("2 → 0");
  await expect(impact.locator('[data-testid="impact-total"][data-outcome="PENDING_APPROVAL"]')).toContainText("1 → 3");
  await expect(
    impact.locator('[data-testid="impact-transition"][data-transition="QUEUED->PENDING_APPROVAL"]'),
  ).toContainText("2");
  const samples = impact.getByRole("table", { name: "Requests that would change" }).getByTestId("impact-sample");
  await expect(samples).toHaveCount(2);
  await expect(samples.first()).toContainText("staging");
  await expect(samples.first()).toContainText("Environment staging requires approval.");
  expect(await samples.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action-id")).sort())).toEqual(
    staging.map((a) => a.id).sort(),
  );
  await expect(form.getByText("saving asks to confirm: 2 past request(s) would change")).toBeVisible();
  await saveScreenshot(page, testInfo, "policy-impact");

  // Save does not publish on its own: it states the impact and asks.
  await form.getByRole("button", { name: "Save policy" }).click();
  const dialog = page.getByRole("dialog", { name: "Publish this policy?" });
  await expect(dialog).toContainText("2 requests of 3 in the last 30 days would have been decided differently");
  await dialog.getByRole("button", { name: "Keep editing" }).click();
  await expect(dialog).toBeHidden();
  expect((await org.policy()).version).toBe(0);

  await form.getByRole("button", { name: "Save policy" }).click();
  await dialog.getByRole("button", { name: "Publish anyway" }).click();
  await expect(toasts(page).getByText("Policy saved")).toBeVisible();
  await expect(dialog).toBeHidden();
  expect(await org.policy()).toMatchObject({
    version: 1,
    requireApprovalEnvironments: ["production", "staging"],
    updatedBy: org.users.admin.id,
  });
  await expect(form.getByText("Editing version 1")).toBeVisible();

  await page.getByRole("button", { name: "Show version history" }).click();
  const versions = page.getByTestId("policy-version");
  await expect(versions).toHaveCount(1);
  await expect(versions.first()).toHaveAttribute("data-version", "1");
  await expect(versions.first()).toHaveAttribute("aria-current", "true");
  await expect(versions.first()).toContainText("Current");
  await expect(versions.first()).toContainText(org.users.admin.name);
  const diff = page.getByTestId("policy-diff");
  await expect(diff.getByRole("heading")).toHaveText("Changes from the default (version 0) to version 1");
  await expect(diff.getByTestId("policy-diff-field")).toHaveCount(1);
  const field = diff.locator('[data-testid="policy-diff-field"][data-field="requireApprovalEnvironments"]');
  await expect(field.locator('[data-change="added"]')).toHaveText("+ added: staging");
  await expect(field.locator('[data-change="removed"]')).toHaveCount(0);
  await saveScreenshot(page, testInfo, "policy-versions");

  // A shorter window still holds today's requests.
  await impact.getByLabel("Simulation window").selectOption("7");
  await expect(impact.getByRole("heading", { name: "What would have changed (last 7 days)" })).toBeVisible();
  await expect(impact).toHaveAttribute("data-state", "idle");
  await expect(impact.getByTestId("impact-changed")).toHaveAttribute("data-changed", "2");

  // Each sample opens its action's page, which links on to its incident.
  await impact.getByRole("link", { name: `Open action ${staging[0]!.id}` }).click();
  await expect(page).toHaveURL(new RegExp(`/actions/${staging[0]!.id}$`));
  await page.getByTestId("action-detail").getByRole("link", { name: "checkout latency p99 over 2 s" }).click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${org.incidents.staging.id}$`));
});

test("a save made stale by another admin shows the 409 and re-applies the draft on the newer version", async ({
  page,
  org,
  browser,
  consoleErrors,
}, testInfo) => {
  consoleErrors.allow(/status of 409/);
  await org.updatePolicy({ blockedEnvironments: ["qa"] });

  await signInAs(page, org, "admin");
  const form = await openPolicy(page);
  await expect(form.getByText("Editing version 1")).toBeVisible();
  await form.getByLabel("Environments that require approval").fill("production, staging");

  // Another admin, in a browser of their own, publishes version 2 first.
  const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  try {
    const other = await context.newPage();
    await signInAs(other, org, "admin");
    const otherForm = await openPolicy(other);
    await expect(otherForm.getByText("Editing version 1")).toBeVisible();
    await otherForm.getByLabel("Blocked environments (guardrail)").fill("qa, dr");
    await otherForm.getByRole("button", { name: "Save policy" }).click();
    await expect(toasts(other).getByText("Policy saved")).toBeVisible();
  } finally {
    await context.close();
  }
  expect((await org.policy()).version).toBe(2);

  await form.getByRole("button", { name: "Save policy" }).click();
  const notice = form.getByTestId("policy-newer-version");
  await expect(notice.getByTestId("policy-conflict")).toHaveText("Policy changed since version 1 was read (now 2).");
  // The draft is still there, and what the other admin changed is shown.
  await expect(form.getByLabel("Environments that require approval")).toHaveValue("production, staging");
  await expect(form.getByLabel("Blocked environments (guardrail)")).toHaveValue("qa");
  await expect(
    notice.locator('[data-testid="policy-diff-field"][data-field="blockedEnvironments"] [data-change="added"]'),
  ).toHaveText("+ added: dr");
  expect(await org.policy()).toMatchObject({ version: 2, requireApprovalEnvironments: ["production"] });
  await saveScreenshot(page, testInfo, "policy-conflict");

  await notice.getByRole("button", { name: "Re-apply my changes on version 2" }).click();
  await expect(notice).toBeHidden();
  await expect(form.getByText("Editing version 2")).toBeVisible();
  await expect(form.getByLabel("Blocked environments (guardrail)")).toHaveValue("qa, dr");
  await expect(form.getByLabel("Environments that require approval")).toHaveValue("production, staging");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(toasts(page).getByText("Policy saved")).toBeVisible();
  expect(await org.policy()).toMatchObject({
    version: 3,
    requireApprovalEnvironments: ["production", "staging"],
    blockedEnvironments: ["qa", "dr"],
  });
});
