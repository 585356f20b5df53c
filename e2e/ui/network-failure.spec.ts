import type { Page, Route } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../fixtures/axe";
import type { SeededOrg } from "../fixtures/seed";
import { expect, signInAs, test } from "../fixtures/test";

// A decision whose request never reaches the server (docs/behaviour.md#ui-accessibility): the toast
// says it was not recorded and offers Retry — never the browser's bare "Failed to fetch" — and
// Retry, once the network is back, records it. The tRPC call is cut with page.route(…).abort().

const NOT_RECORDED = "Not recorded — the server could not be reached. Retry?";
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");
const pendingRow = (page: Page, id: string) => page.locator(`[data-testid="pending-row"][data-action-id="${id}"]`);

/** Cuts every tRPC call carrying `procedure` (batched calls name all their procedures in the path). */
async function cut(page: Page, procedure: string): Promise<() => Promise<void>> {
  const pattern = new RegExp(`/api/trpc/([^?]*,)?${procedure.replace(".", "\\.")}(,|\\?|$)`);
  const handler = (route: Route) => route.abort("internetdisconnected");
  await page.route(pattern, handler);
  return () => page.unroute(pattern, handler);
}

async function statusOf(org: SeededOrg, id: string) {
  const [row] = await org.query<{ status: string }>(
    "SELECT status::text AS status FROM remediation_actions WHERE id = $1",
    [id],
  );
  return row?.status;
}

test.beforeEach(({ consoleErrors }) => {
  // The browser's own log line for the cut request; the page itself must not log anything else.
  consoleErrors.allow(/net::ERR_INTERNET_DISCONNECTED/);
});

test("approve and reject on the Control Center: not recorded, Retry records them", async ({ page, org }) => {
  const toApprove = await org.requestAction("production");
  const toReject = await org.requestAction("production");
  await signInAs(page, org, "operator2");

  let restore = await cut(page, "remediation.approve");
  await pendingRow(page, toApprove.id).getByRole("button", { name: "Approve", exact: true }).click();
  const failure = toasts(page).locator("[data-sonner-toast]").filter({ hasText: NOT_RECORDED });
  await expect(failure).toBeVisible();
  // Hovering holds the toast open while it is checked.
  await failure.hover();
  await expect(failure).toContainText("Approval failed");
  await expect(toasts(page)).not.toContainText("Failed to fetch");
  // The row is back, the decision is not in the database.
  await expect(pendingRow(page, toApprove.id).getByRole("button", { name: "Approve", exact: true })).toBeEnabled();
  expect(await statusOf(org, toApprove.id)).toBe("PENDING_APPROVAL");

  // The toast itself meets WCAG AA (contrast, names) in both themes.
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoSeriousA11yViolations(page, `control center with a failure toast (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: "light" });

  await restore();
  await failure.getByRole("button", { name: "Retry" }).click();
  await expect(toasts(page).getByText("Approved restart-service: QUEUED")).toBeVisible();
  await expect.poll(() => statusOf(org, toApprove.id)).not.toBe("PENDING_APPROVAL");

  restore = await cut(page, "remediation.reject");
  await pendingRow(page, toReject.id).getByRole("button", { name: "Reject" }).click();
  const rejectFailure = toasts(page).locator("[data-sonner-toast]").filter({ hasText: "Rejection failed" });
  await expect(rejectFailure).toContainText(NOT_RECORDED);
  expect(await statusOf(org, toReject.id)).toBe("PENDING_APPROVAL");
  await restore();
  await rejectFailure.getByRole("button", { name: "Retry" }).click();
  await expect(toasts(page).getByText("Rejected restart-service")).toBeVisible();
  await expect.poll(() => statusOf(org, toReject.id)).toBe("REJECTED");
});

test("execute: the dialog and the toast say not recorded; Retry requests it", async ({ page, org }) => {
  await signInAs(page, org, "operator");
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  await page.getByRole("button", { name: "Execute: Restart checkout" }).click();
  const dialog = page.getByRole("dialog", { name: "Execute suggested remediation?" });
  await expect(dialog.getByTestId("policy-preview")).toContainText("QUEUED");

  const restore = await cut(page, "remediation.request");
  await dialog.getByRole("button", { name: "Request remediation" }).click();
  const failure = toasts(page).locator("[data-sonner-toast]").filter({ hasText: NOT_RECORDED });
  await expect(failure).toContainText("Remediation request failed");
  await expect(dialog.getByRole("alert")).toHaveText("Not recorded — the server could not be reached.");
  expect(await org.actions()).toHaveLength(0);

  await restore();
  await failure.getByRole("button", { name: "Retry" }).click();
  await expect(toasts(page).getByText(/Remediation requested: restart-service/)).toBeVisible();
  await expect.poll(async () => (await org.actions()).length).toBe(1);
});

test("override review: the dialog says not recorded and the toast's Retry records the review", async ({
  page,
  org,
}) => {
  const overridden = await org.requestAction("production", { by: "admin" });
  await org.updatePolicy({ blockedEnvironments: ["production"] });
  await org.override(overridden.id);
  await signInAs(page, org, "operator2");
  await page
    .locator(`[data-testid="override-review-row"][data-action-id="${overridden.id}"]`)
    .getByRole("button", { name: "Review…" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Review guardrail override" });
  await dialog.getByLabel("Note (required)").fill("Justified: the outage was real.");

  const restore = await cut(page, "overrideReviews.review");
  await dialog.getByRole("button", { name: "Submit review" }).click();
  await expect(dialog.getByTestId("override-review-error")).toHaveText(
    "Not recorded — the server could not be reached.",
  );
  const failure = toasts(page).locator("[data-sonner-toast]").filter({ hasText: NOT_RECORDED });
  await expect(failure).toContainText("Override review failed");

  await restore();
  await failure.getByRole("button", { name: "Retry" }).click();
  await expect(toasts(page).getByText("Override accepted")).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("override-review-count")).toHaveText("0");
});
