import type { Page } from "@playwright/test";
import { expect, saveScreenshot, secondSession, signInAs, test } from "../fixtures/test";

// Override review in the browser (docs/behaviour.md#override-review): the operator who overrode a
// guardrail sees the review waiting but may not do it (and why); a second operator reviews it with
// a note, and the open count drops for both.

const OVERRIDER_CANNOT_REVIEW =
  "Separation of duties: the approver who overrode a guardrail cannot review the override.";
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");
const reviewRow = (page: Page, id: string) =>
  page.locator(`[data-testid="override-review-row"][data-action-id="${id}"]`);

test("A overrides a blocked action and cannot review it (and sees why); B reviews it with a note; the count drops", async ({
  page,
  browser,
  org,
}, testInfo) => {
  // Two signed-in browser sessions and a page change: more than the default minute on a busy machine.
  test.slow();
  await org.updatePolicy({ blockedEnvironments: ["production"] });
  // Requested by the admin: both operators may approve it.
  const action = await org.requestAction("production", { by: "admin" });

  // A (operator) overrides the guardrail from the Control Center.
  await signInAs(page, org, "operator");
  const pending = page.locator(`[data-testid="pending-row"][data-action-id="${action.id}"]`);
  await pending.getByRole("button", { name: "Override…" }).click();
  const overrideDialog = page.getByRole("dialog", { name: "Override policy violations" });
  await overrideDialog.getByLabel("Override reason (required)").fill("Checkout is down; the fix cannot wait.");
  await overrideDialog.getByRole("button", { name: "Override and approve" }).click();
  await expect(toasts(page).getByText("Override approved restart-service: QUEUED")).toBeVisible();

  // The review opened with the override: A sees it, cannot review it, and is told why.
  const mine = reviewRow(page, action.id);
  await expect(page.getByTestId("override-review-count")).toHaveText("1");
  await expect(mine.getByTestId("overrider")).toHaveText(org.users.operator.name);
  await expect(mine.getByRole("button", { name: "Review…" })).toBeDisabled();
  await expect(mine.getByTestId("review-blocked")).toHaveText(OVERRIDER_CANNOT_REVIEW);
  await saveScreenshot(page, testInfo, "override-review-blocked");

  // B (operator2) reviews it: the note is required, then the review is recorded.
  const b = await secondSession(browser, testInfo, org, "operator2");
  await expect(b.page.getByTestId("override-review-count")).toHaveText("1");
  await reviewRow(b.page, action.id).getByRole("button", { name: "Review…" }).click();
  const dialog = b.page.getByRole("dialog", { name: "Review guardrail override" });
  await expect(dialog).toContainText("Checkout is down; the fix cannot wait.");
  await dialog.getByLabel("Flag — needs follow-up").check();
  await dialog.getByRole("button", { name: "Submit review" }).click();
  await expect(dialog.getByText("note is required")).toBeVisible();
  await dialog.getByLabel("Note (required)").fill("Outage was real, but the freeze owner was not paged.");
  await saveScreenshot(b.page, testInfo, "override-review-dialog");
  await dialog.getByRole("button", { name: "Submit review" }).click();
  await expect(dialog).toBeHidden();
  await expect(toasts(b.page).getByText("Override flagged")).toBeVisible();
  await expect(b.page.getByTestId("override-review-count")).toHaveText("0");
  await expect(reviewRow(b.page, action.id)).toHaveCount(0);

  // A's page follows (live stream, or its poll).
  await expect(page.getByTestId("override-review-count")).toHaveText("0", { timeout: 15_000 });
  await expect(mine).toHaveCount(0);

  const stored = await org.api<{ details: { overrideReview: unknown }; events: { type: string }[] }>(
    "GET",
    `/remediation/${action.id}`,
    undefined,
    "viewer",
  );
  expect(stored.body.details.overrideReview).toMatchObject({
    status: "FLAGGED",
    reviewer: org.users.operator2.id,
    note: "Outage was real, but the freeze owner was not paged.",
  });
  expect(stored.body.events.map((e) => e.type)).toContain("OVERRIDE_REVIEWED");

  // The action's timeline labels the review.
  await b.page.goto(`/incidents/${action.incidentId}`);
  const history = b.page.locator(`[data-testid="history-row"][data-action-id="${action.id}"]`);
  await expect(history.locator('[data-event-type="OVERRIDE_REVIEWED"]')).toContainText("Override reviewed");
  await expect(history.locator('[data-event-type="OVERRIDE_REVIEWED"]')).toContainText(
    "FLAGGED: Outage was real, but the freeze owner was not paged.",
  );
  await b.close();
});
