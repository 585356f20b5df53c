import type { Locator, Page } from "@playwright/test";
import { expect, signInAs, test } from "../fixtures/test";

// Every dialog gives focus back to the control that opened it (docs/behaviour.md#ui-accessibility):
// opened from the keyboard (Enter on the focused button), closed with Escape, focus is on the
// opener again — not lost on <body>, which would send a keyboard user back to the top.

/** Focus `opener`, press Enter, expect `dialog`, press Escape, expect focus back on `opener`. */
async function roundTrip(page: Page, opener: Locator, dialog: Locator): Promise<void> {
  await opener.focus();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeVisible();
  // Focus moved into the dialog (the page behind it is aria-hidden meanwhile).
  await expect(dialog.locator(":focus")).toHaveCount(1);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
}

test("execute and approve dialogs on the incident page return focus to their buttons", async ({ page, org }) => {
  const pending = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  await page.goto(`/incidents/${org.incidents.production.id}`);

  await roundTrip(
    page,
    page.getByRole("button", { name: /^Execute: / }).first(),
    page.getByRole("dialog", { name: "Execute suggested remediation?" }),
  );
  await roundTrip(
    page,
    page
      .locator(`[data-testid="history-row"][data-action-id="${pending.id}"]`)
      .getByRole("button", { name: "Approve…" }),
    page.getByRole("dialog", { name: "Approve remediation" }),
  );
});

test("the override prompt and the override review dialog return focus to their buttons", async ({ page, org }) => {
  const blocked = await org.requestAction("production", { by: "admin" });
  const overridden = await org.requestAction("production", { by: "admin" });
  await org.updatePolicy({ blockedEnvironments: ["production"] });
  await org.override(overridden.id);

  await signInAs(page, org, "operator2");
  await roundTrip(
    page,
    page
      .locator(`[data-testid="pending-row"][data-action-id="${blocked.id}"]`)
      .getByRole("button", { name: "Override…" }),
    page.getByRole("dialog", { name: "Override policy violations" }),
  );
  await roundTrip(
    page,
    page
      .locator(`[data-testid="override-review-row"][data-action-id="${overridden.id}"]`)
      .getByRole("button", { name: "Review…" }),
    page.getByRole("dialog", { name: "Review guardrail override" }),
  );
});

test("the policy publish and retention dialogs return focus to their buttons", async ({ page, org }) => {
  await org.requestAction("staging");
  await signInAs(page, org, "admin");
  await page.goto("/settings");
  await roundTrip(
    page,
    page.getByRole("button", { name: /^Enforce retention/ }),
    page.getByRole("dialog", { name: /retention/i }),
  );

  await page.getByRole("tab", { name: "Policy" }).click();
  const form = page.getByRole("form", { name: "Policy" });
  await form.getByLabel("Environments that require approval").fill("production, staging");
  await expect(form.getByText(/saving asks to confirm/)).toBeVisible();
  await roundTrip(
    page,
    form.getByRole("button", { name: "Save policy" }),
    page.getByRole("dialog", { name: "Publish this policy?" }),
  );
});
