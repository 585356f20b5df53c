import type { Page } from "@playwright/test";
import { expect, saveScreenshot, signInAs, test } from "../fixtures/test";

// The reminder and escalation settings in the policy editor (docs/behaviour.md#approval-reminders):
// validated inline with the API's rules, saved, and shown again after a reload.

const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

async function openPolicy(page: Page) {
  await page.goto("/settings");
  await page.getByRole("tab", { name: "Policy" }).click();
  return page.getByRole("form", { name: "Policy" });
}

test("an admin sets reminder and escalation minutes and notify emails; they save and reload", async ({
  page,
  org,
}, testInfo) => {
  // Two saves and a reload: more than the default minute on a busy machine.
  test.setTimeout(180_000);
  await signInAs(page, org, "admin");
  const form = await openPolicy(page);
  const reminder = form.getByLabel("Remind approvers after (minutes)");
  const escalation = form.getByLabel("Escalate to admins after (minutes)");
  const notify = form.getByLabel("Also remind these addresses");
  await expect(reminder).toHaveValue("");
  await expect(escalation).toHaveValue("");
  await expect(notify).toHaveValue("");

  // Escalation not after the reminder: shown at the escalation field as soon as it is left.
  await reminder.fill("60");
  await escalation.fill("30");
  await notify.focus();
  const escalationError = form.locator("#approvalEscalationMinutes-error");
  await expect(escalationError).toHaveText("must be larger than approvalReminderMinutes (60)");
  await expect(escalation).toHaveAttribute("aria-invalid", "true");

  await escalation.fill("180");
  await notify.fill("Oncall@Example.com, nope");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(escalationError).toHaveCount(0);
  await expect(form.locator("#approvalNotifyEmails-error")).toHaveText('"nope" is not a valid email address');
  expect((await org.policy()).version).toBe(0);

  await notify.fill("Oncall@Example.com, sre@example.com, oncall@example.com");
  await saveScreenshot(page, testInfo, "settings-approval-reminders");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(toasts(page).getByText("Policy saved")).toBeVisible();
  expect(await org.policy()).toMatchObject({
    approvalReminderMinutes: 60,
    approvalEscalationMinutes: 180,
    approvalNotifyEmails: ["oncall@example.com", "sre@example.com"],
  });

  await page.reload();
  const reloaded = await openPolicy(page);
  await expect(reloaded.getByLabel("Remind approvers after (minutes)")).toHaveValue("60");
  await expect(reloaded.getByLabel("Escalate to admins after (minutes)")).toHaveValue("180");
  await expect(reloaded.getByLabel("Also remind these addresses")).toHaveValue("oncall@example.com, sre@example.com");

  // Blank turns them off again.
  await reloaded.getByLabel("Remind approvers after (minutes)").fill("");
  await reloaded.getByLabel("Escalate to admins after (minutes)").fill("");
  await reloaded.getByRole("button", { name: "Save policy" }).click();
  await expect(toasts(page).getByText("Published as version 2.")).toBeVisible();
  expect(await org.policy()).toMatchObject({
    approvalReminderMinutes: null,
    approvalEscalationMinutes: null,
    approvalNotifyEmails: ["oncall@example.com", "sre@example.com"],
    version: 2,
  });
});
