import type { Page } from "@playwright/test";
import { type ApiAction, INCIDENTS, type SeededOrg } from "../fixtures/seed";
import { expect, saveScreenshot, secondSession, signInAs, test } from "../fixtures/test";

// Approval governance in the browser (docs/behaviour.md#governance): quorum votes seen
// by two operators at once, separation of duties, and a card whose context changed under it.

const SEPARATION_OF_DUTIES = "Separation of duties: the requester of an action cannot approve it.";
const STALE_CONTEXT = "The approval context changed since it was shown; review the action again.";
const pendingRow = (page: Page, id: string) => page.locator(`[data-testid="pending-row"][data-action-id="${id}"]`);
const historyRow = (page: Page, id: string) => page.locator(`[data-testid="history-row"][data-action-id="${id}"]`);
const toasts = (page: Page) => page.locator("[data-sonner-toaster]");

async function eventTypes(org: SeededOrg, id: string): Promise<string[]> {
  const res = await org.api<{ events: { type: string }[] }>("GET", `/remediation/${id}`, undefined, "viewer");
  return res.body.events.map((e) => e.type);
}

async function statusOf(org: SeededOrg, id: string): Promise<string> {
  return (await org.api<ApiAction>("GET", `/remediation/${id}`, undefined, "viewer")).body.status;
}

test("quorum of 2: one operator's vote is recorded, the other sees 1 of 2, and their vote queues it", async ({
  page,
  browser,
  org,
}, testInfo) => {
  await org.updatePolicy({ quorumRules: [{ environments: ["production"], approvals: 2 }] });
  // Requested by the admin, so both operators may approve.
  const action = await org.requestAction("production", { by: "admin" });
  expect(action.requiredApprovals).toBe(2);

  await signInAs(page, org, "operator");
  const olga = await secondSession(browser, testInfo, org, "operator2");
  const mine = pendingRow(page, action.id);
  const theirs = pendingRow(olga.page, action.id);
  await expect(mine.getByTestId("approval-tally")).toHaveText("0 of 2 approvals");
  await mine.getByRole("button", { name: "Details" }).click();
  await theirs.getByRole("button", { name: "Details" }).click();
  await expect(mine.getByTestId("approval-count")).toHaveText("0 of 2 approvals");
  await expect(theirs.getByTestId("approval-count")).toHaveText("0 of 2 approvals");
  // The default expiry (1440 minutes) counts down on the card.
  await expect(mine.getByTestId("expiry")).toHaveText(/^Expires in 2[34] h \d+ min$/);

  await mine.getByRole("button", { name: "Approve" }).click();
  await expect(toasts(page).getByText("Approval recorded (1 of 2)")).toBeVisible();
  // The vote alone does not decide: the row stays, and says who approved.
  await expect(mine.getByTestId("approval-count")).toHaveText("1 of 2 approvals");
  await expect(mine.getByTestId("approval-tally")).toHaveText("1 of 2 approvals");
  await expect(mine.getByTestId("approval-vote")).toContainText(`Approved by ${org.users.operator.name}`);
  await expect(mine.getByTestId("approval-blocked")).toHaveText("You approved — waiting for 1 more.");
  await expect(mine.getByRole("button", { name: "Approve" })).toBeDisabled();
  expect(await statusOf(org, action.id)).toBe("PENDING_APPROVAL");

  // The other operator's card catches up on its next poll.
  await expect(theirs.getByTestId("approval-count")).toHaveText("1 of 2 approvals", { timeout: 15_000 });
  await expect(theirs.getByTestId("approval-vote")).toContainText(`Approved by ${org.users.operator.name}`);
  await expect(theirs.getByTestId("approval-blocked")).toHaveCount(0);
  await saveScreenshot(olga.page, testInfo, "governance-quorum");
  await theirs.getByRole("button", { name: "Approve" }).click();
  await expect(toasts(olga.page).getByText("Approved restart-service: QUEUED")).toBeVisible();
  await expect(theirs).toHaveCount(0);
  await expect(mine).toHaveCount(0, { timeout: 15_000 });

  expect(await statusOf(org, action.id)).toMatch(/QUEUED|EXECUTING|COMPLETED/);
  expect(await eventTypes(org, action.id)).toEqual(expect.arrayContaining(["APPROVAL_RECORDED", "APPROVED"]));
  await page.goto(`/incidents/${action.incidentId}`);
  await expect(historyRow(page, action.id).locator('[data-event-type="APPROVAL_RECORDED"]')).toContainText(
    "Approval recorded (1 of 2)",
  );
  await olga.close();
});

test("separation of duties: the requester cannot approve, in the UI or over REST, but may withdraw", async ({
  page,
  browser,
  org,
}, testInfo) => {
  await org.updatePolicy({ pendingApprovalTtlMinutes: 5 });
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Approve" })).toBeDisabled();
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.getByTestId("approval-blocked")).toHaveText("You requested this — another approver must decide.");
  await expect(row.getByRole("button", { name: "Approve" })).toBeDisabled();
  await expect(row.getByRole("button", { name: "Reject" })).toBeEnabled();
  // A live countdown: five minutes from the request, ticking every second.
  const expiry = row.getByTestId("expiry");
  await expect(expiry).toHaveText(/^Expires in 4 min \d\d s$/);
  const shown = await expiry.textContent();
  await expect(expiry).not.toHaveText(shown ?? "");

  const refused = await org.api<{ message: string }>(
    "POST",
    `/remediation/${action.id}/approve`,
    { contextVersion: action.approvalContext?.version },
    "operator",
  );
  expect(refused).toMatchObject({ status: 403, body: { statusCode: 403, message: SEPARATION_OF_DUTIES } });

  // Another operator may approve the same action.
  const olga = await secondSession(browser, testInfo, org, "operator2");
  await expect(pendingRow(olga.page, action.id).getByRole("button", { name: "Approve" })).toBeEnabled();
  await pendingRow(olga.page, action.id).getByRole("button", { name: "Details" }).click();
  await expect(pendingRow(olga.page, action.id).getByTestId("approval-progress")).toBeVisible();
  await expect(pendingRow(olga.page, action.id).getByTestId("approval-blocked")).toHaveCount(0);
  await olga.close();

  await page.goto(`/incidents/${action.incidentId}`);
  const history = historyRow(page, action.id);
  await expect(history.getByTestId("approval-blocked")).toHaveText(
    "You requested this — another approver must decide.",
  );
  await expect(history.getByRole("button", { name: "Approve…" })).toBeDisabled();
  await history.getByRole("button", { name: "Reject" }).click();
  await expect(toasts(page).getByText("Rejected restart-service")).toBeVisible();
  await expect(history.getByTestId("action-status")).toHaveText("REJECTED");
  expect(await statusOf(org, action.id)).toBe("REJECTED");
});

test("separation of duties turned on after the page loaded: the refused approval shows the server's message", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 403/);
  await org.updatePolicy({ separationOfDuties: false });
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Approve" })).toBeEnabled();
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.getByTestId("approval-progress")).toBeVisible();
  await expect(row.getByTestId("approval-blocked")).toHaveCount(0);

  await org.updatePolicy({ separationOfDuties: true });
  await row.getByRole("button", { name: "Approve" }).click();
  await expect(toasts(page).getByText(SEPARATION_OF_DUTIES)).toBeVisible();
  await expect(row).toBeVisible();
  // The refetched policy now disables the requester's Approve.
  await expect(row.getByTestId("approval-blocked")).toHaveText("You requested this — another approver must decide.");
  await expect(row.getByRole("button", { name: "Approve" })).toBeDisabled();
  expect(await statusOf(org, action.id)).toBe("PENDING_APPROVAL");
});

test("a freeze window added while the card is open: approve says what changed, never overrides silently", async ({
  page,
  org,
  consoleErrors,
}, testInfo) => {
  consoleErrors.allow(/status of 409/);
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  const row = pendingRow(page, action.id);
  await expect(row.getByRole("button", { name: "Approve" })).toBeEnabled();
  await row.getByRole("button", { name: "Details" }).click();
  await expect(row.getByTestId("policy-verdict")).toHaveAttribute("data-verdict", "approval");

  // Live: nothing refetches the card but events, and a policy change is none, so only the
  // approval itself can reveal the change.
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const end = new Date(Date.now() + 3_600_000).toISOString();
  await org.updatePolicy({
    freezeWindows: [
      { start: new Date(Date.now() - 60_000).toISOString(), end, environments: ["production"], reason: "Quarter-end" },
    ],
  });
  const answer = page.waitForResponse((r) => r.url().includes("remediation.approve"));
  await row.getByRole("button", { name: "Approve" }).click();
  expect((await answer).status()).toBe(409);
  await expect(toasts(page).getByText(STALE_CONTEXT)).toBeVisible();

  const notice = row.getByTestId("context-changed");
  await expect(notice).toContainText("The policy changed.");
  await expect(notice).toContainText("Guardrails changed: Environment production is in a change freeze until");
  await expect(row.getByTestId("policy-verdict")).toHaveAttribute("data-verdict", "violation");
  await expect(row.getByTestId("policy-verdict")).toContainText("Quarter-end");
  // The row names the rule its approval would override and when it ends, in words.
  await expect(row.getByTestId("override-rule")).toHaveText(
    new RegExp(`^⚠ Override: Change freeze ends in 1 h \\((\\d+ \\w+ )?${end.slice(11, 16)} UTC\\)$`),
  );
  await expect(row.getByRole("button", { name: "Override…" })).toHaveClass(/\bbtn-warning\b/);
  await saveScreenshot(page, testInfo, "governance-context-changed");
  // Nothing was recorded: no vote, no block, still pending.
  expect(await eventTypes(org, action.id)).toEqual(["REQUESTED"]);

  // Approving again now needs the override prompt and a typed reason.
  await row.getByRole("button", { name: "Override…" }).click();
  const dialog = page.getByRole("dialog", { name: "Override policy violations" });
  await expect(dialog.getByTestId("override-violations")).toContainText("Environment production is in a change freeze");
  await expect(dialog.getByTestId("context-changed")).toContainText("Guardrails changed");
  await dialog.getByLabel("Override reason (required)").fill("The fix is the freeze's exception");
  await dialog.getByRole("button", { name: "Override and approve" }).click();
  await expect(dialog).toBeHidden();
  await expect(toasts(page).getByText("Override approved restart-service: QUEUED")).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(await eventTypes(org, action.id)).toContain("OVERRIDDEN");
});

test("the incident view's approve dialog answers a changed context with what changed, then approves", async ({
  page,
  org,
  consoleErrors,
}) => {
  consoleErrors.allow(/status of 409/);
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  await page.goto(`/incidents/${action.incidentId}`);
  await historyRow(page, action.id).getByRole("button", { name: "Approve…" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve remediation" });
  await expect(dialog).toBeVisible();

  // The incident escalates while the dialog is open (an incident tool re-posts it).
  const { suggestions: _, ...incident } = INCIDENTS.production;
  const res = await org.api("POST", "/incidents", { ...incident, severity: "CRITICAL" });
  expect(res.status).toBe(200);
  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(dialog.getByTestId("context-changed")).toContainText("The incident changed (severity HIGH → CRITICAL).");
  await expect(dialog.getByRole("alert").filter({ hasText: STALE_CONTEXT })).toBeVisible();
  expect(await statusOf(org, action.id)).toBe("PENDING_APPROVAL");

  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(toasts(page).getByText("Approved restart-service: QUEUED")).toBeVisible();
  await expect(historyRow(page, action.id).getByTestId("action-status")).toHaveText(/QUEUED|EXECUTING|COMPLETED/);
});

test("policy editor: quorum rules, separation of duties and expiry, with errors on their fields", async ({
  page,
  org,
}, testInfo) => {
  await signInAs(page, org, "admin");
  await page.goto("/settings");
  await page.getByRole("tab", { name: "Policy" }).click();
  const form = page.getByRole("form", { name: "Policy" });
  await expect(form.getByText("No quorum rules: one approval is enough.")).toBeVisible();
  await expect(form.getByLabel(/Separation of duties/)).toBeChecked();
  await expect(form.getByLabel("Pending approvals expire after (minutes)")).toHaveValue("1440");

  await form.getByRole("button", { name: "Add quorum rule" }).click();
  await form.getByRole("button", { name: "Add quorum rule" }).click();
  const rules = form.getByTestId("quorum-rule");
  await expect(rules).toHaveCount(2);
  await rules.nth(0).getByLabel("Environments").fill("production, Prod!");
  await rules.nth(0).getByLabel("Approvals required").fill("6");
  await rules.nth(1).getByLabel("Environments").fill("");
  await rules.nth(1).getByRole("checkbox", { name: "CRITICAL" }).check();
  await rules.nth(1).getByLabel("Approvals required").fill("3");
  await form.getByLabel("Pending approvals expire after (minutes)").fill("2");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(
    rules.nth(0).getByText("Environment must be a lowercase slug (a-z, 0-9, -), 1–63 characters"),
  ).toBeVisible();
  await expect(rules.nth(0).getByText("at most 5 approvals")).toBeVisible();
  await expect(form.getByText("at least 5")).toBeVisible();

  await rules.nth(0).getByLabel("Environments").fill("production");
  await rules.nth(0).getByLabel("Approvals required").fill("2");
  await form.getByLabel("Never expires").check();
  await expect(form.getByLabel("Pending approvals expire after (minutes)")).toBeDisabled();
  await form.getByLabel(/Separation of duties/).uncheck();
  await expect(form.getByTestId("separation-of-duties-warning")).toContainText(
    "requesters could approve their own changes",
  );
  await saveScreenshot(page, testInfo, "settings-governance");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(toasts(page).getByText("Policy saved")).toBeVisible();
  const saved = await org.api<Record<string, unknown>>("GET", "/remediation/policy");
  expect(saved.body).toMatchObject({
    quorumRules: [
      { environments: ["production"], approvals: 2 },
      { severities: ["CRITICAL"], approvals: 3 },
    ],
    separationOfDuties: false,
    pendingApprovalTtlMinutes: null,
  });
  expect((saved.body.quorumRules as Record<string, unknown>[])[1]).not.toHaveProperty("environments");

  // The saved rules apply to the next request; removing a rule saves the rest.
  const action = await org.requestAction("production");
  expect(action).toMatchObject({ requiredApprovals: 2, expiresAt: null });
  await page.reload();
  await page.getByRole("tab", { name: "Policy" }).click();
  await expect(rules).toHaveCount(2);
  await expect(form.getByLabel("Never expires")).toBeChecked();
  await form.getByRole("button", { name: "Remove quorum rule 2" }).click();
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(toasts(page).getByText("Policy saved")).toBeVisible();
  const after = await org.api<{ quorumRules: unknown[] }>("GET", "/remediation/policy");
  expect(after.body.quorumRules).toEqual([{ environments: ["production"], approvals: 2 }]);
});
