import type { Page } from "@playwright/test";
import { expect, expectQueueRowHydrated, recordProcedureCalls, signInAs, test } from "../fixtures/test";

// The pending queue built for triage (docs/behaviour.md#pending-queue): risk order, keyboard
// shortcuts, the true count with a backlog, and overrides worded as the risky act they are.

const rows = (page: Page) => page.getByTestId("pending-row");
const pendingRow = (page: Page, id: string) => page.locator(`[data-testid="pending-row"][data-action-id="${id}"]`);
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

test("keyboard triage: j/k select, a approves, r rejects, o opens the action page, ? lists the keys", async ({
  page,
  org,
}) => {
  const medium = await org.requestAction("production", { severity: "MEDIUM" });
  const critical = await org.requestAction("production", { severity: "CRITICAL" });
  const high = await org.requestAction("production", { severity: "HIGH" });
  await signInAs(page, org, "operator2");
  // Riskiest first: severity before age.
  await expect(rows(page)).toHaveCount(3);
  expect(await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-action-id")))).toEqual([
    critical.id,
    high.id,
    medium.id,
  ]);
  await expectQueueRowHydrated(page, critical.id);

  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  for (const label of ["Select the next action", "Approve the selected action", "Reject the selected action"]) {
    await expect(help).toContainText(label);
  }
  // Keys pressed inside a dialog are not shortcuts.
  await page.keyboard.press("j");
  await expect(rows(page).first()).toHaveAttribute("aria-selected", "false");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await page.keyboard.press("j");
  await expect(pendingRow(page, critical.id)).toHaveAttribute("aria-selected", "true");
  await expect(pendingRow(page, critical.id)).toBeFocused();
  await expect(pendingRow(page, critical.id)).toHaveAttribute("tabindex", "0");
  await expect(pendingRow(page, high.id)).toHaveAttribute("tabindex", "-1");
  await page.keyboard.press("j");
  await expect(pendingRow(page, high.id)).toHaveAttribute("aria-selected", "true");
  await expect(pendingRow(page, critical.id)).toHaveAttribute("aria-selected", "false");
  await page.keyboard.press("k");
  await expect(pendingRow(page, critical.id)).toHaveAttribute("aria-selected", "true");
  await expect(pendingRow(page, critical.id)).toBeFocused();

  // Typing in a field is never a shortcut.
  const filter = page.getByLabel("Environment filter");
  await filter.fill("");
  await filter.press("j");
  await filter.press("a");
  await expect(filter).toHaveValue("ja");
  await expect(pendingRow(page, critical.id)).toHaveAttribute("aria-selected", "true");
  await filter.fill("");
  await pendingRow(page, critical.id).focus();

  const approvals = recordProcedureCalls(page, "remediation.approve");
  await page.keyboard.press("a");
  await expect(toasts(page).getByText("Approved restart-service: QUEUED")).toBeVisible();
  await expect(pendingRow(page, critical.id)).toHaveCount(0);
  expect(approvals).toHaveLength(1);
  // The selection moved on to the next row.
  await expect(pendingRow(page, high.id)).toHaveAttribute("aria-selected", "true");

  await page.keyboard.press("r");
  await expect(toasts(page).getByText("Rejected restart-service")).toBeVisible();
  await expect(pendingRow(page, high.id)).toHaveCount(0);
  await expect(pendingRow(page, medium.id)).toHaveAttribute("aria-selected", "true");

  const statuses = await org.query<{ id: string; status: string }>(
    "SELECT id, status::text AS status FROM remediation_actions WHERE id = ANY($1::uuid[])",
    [[critical.id, high.id, medium.id]],
  );
  expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toMatchObject({
    [critical.id]: expect.stringMatching(/QUEUED|EXECUTING|COMPLETED/),
    [high.id]: "REJECTED",
    [medium.id]: "PENDING_APPROVAL",
  });

  await page.keyboard.press("o");
  await expect(page).toHaveURL(new RegExp(`/actions/${medium.id}$`));
  // The action page itself (not a 404): the action and its incident.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("restart-service");
});

test("an override row names the rule and when it ends; a opens the override prompt, never a plain approval", async ({
  page,
  org,
}) => {
  const end = new Date(Date.now() + 2 * 3_600_000);
  await org.updatePolicy({
    freezeWindows: [
      {
        start: new Date(Date.now() - 60_000).toISOString(),
        end: end.toISOString(),
        environments: ["production"],
        reason: "Sale",
      },
    ],
  });
  const frozen = await org.requestAction("production");
  expect(frozen.status).toBe("PENDING_APPROVAL");
  await signInAs(page, org, "operator2");
  const row = pendingRow(page, frozen.id);
  const hhmm = end.toISOString().slice(11, 16);
  await expect(row.getByTestId("override-rule")).toHaveText(
    new RegExp(`^⚠ Override: Change freeze ends in 2 h \\((\\d+ \\w+ )?${hhmm} UTC\\)$`),
  );
  await expect(row).toHaveAttribute("data-override", "true");
  await expect(row.getByTestId("risk-marker")).toHaveAttribute("aria-label", "Overrides a guardrail, HIGH severity");
  const override = row.getByRole("button", { name: "Override…" });
  await expect(override).toHaveClass(/\bbtn-warning\b/);
  await expect(row.getByRole("button", { name: "Approve" })).toHaveCount(0);

  const approvals = recordProcedureCalls(page, "remediation.approve");
  await expectQueueRowHydrated(page, frozen.id);
  await page.keyboard.press("j");
  await page.keyboard.press("a");
  const dialog = page.getByRole("dialog", { name: "Override policy violations" });
  await expect(dialog.getByTestId("override-violations")).toContainText("Environment production is in a change freeze");
  // Typing the reason is not triage: "r" and "a" land in the field.
  const reason = dialog.getByLabel("Override reason (required)");
  await reason.pressSequentially("ra");
  await expect(reason).toHaveValue("ra");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  // The selection survives the prompt: triage goes on from the same row.
  await expect(row).toHaveAttribute("aria-selected", "true");
  expect(approvals).toEqual([]);
  const [stored] = await org.query<{ status: string }>(
    "SELECT status::text AS status FROM remediation_actions WHERE id = $1",
    [frozen.id],
  );
  expect(stored?.status).toBe("PENDING_APPROVAL");
});

test("a backlog of 1,000 pending: the true count in badge, hero and title; one screen; pages of 10", async ({
  page,
  org,
}) => {
  await org.insertPendingActions(1000);
  // One riskier action (CRITICAL) requested last: first in the queue whatever its age.
  const critical = await org.requestAction("production", { severity: "CRITICAL" });
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAs(page, org, "operator2");

  await expect(page.getByTestId("pending-count")).toHaveText("1,001");
  await expect(page.getByTestId("signal-pending")).toHaveText("1,001");
  await expect(page).toHaveTitle(/^\(1,001\) /);
  await expect(rows(page)).toHaveCount(10);
  await expect(rows(page).first()).toHaveAttribute("data-action-id", critical.id);
  await expect(page.getByTestId("pending-range")).toHaveText("1–10 of 1,001");

  // The queue fits the screen: its card is no taller than the viewport.
  const card = page.locator("section", { has: page.getByTestId("pending-queue") });
  const box = await card.boundingBox();
  expect(box?.height ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(900);

  const firstPage = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-action-id")));
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByTestId("pending-range")).toHaveText("11–20 of 1,001");
  await expect(rows(page)).toHaveCount(10);
  const secondPage = await rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-action-id")));
  expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
  await page.getByRole("button", { name: "Previous" }).click();
  await expect(page.getByTestId("pending-range")).toHaveText("1–10 of 1,001");
  await expect(page.getByRole("button", { name: "Previous" })).toBeDisabled();

  // A decision moves every count at once.
  await pendingRow(page, critical.id).getByRole("button", { name: "Reject" }).click();
  await expect(page.getByTestId("pending-count")).toHaveText("1,000");
  await expect(page).toHaveTitle(/^\(1,000\) /);
  await expect(page.getByTestId("signal-pending")).toHaveText("1,000");
});
