import type { Page } from "@playwright/test";
import { DEMO_PASSWORD } from "@/server/demo/demo-data";
import { seedOrganization } from "../fixtures/seed";
import { expect, saveScreenshot, signInAs, test } from "../fixtures/test";

// docs/behaviour.md#operator-ui (deep links) and #sign-in (callbackUrl), in Chromium against the built app.

const PRODUCT = "Remediation Control Center";

/** Fills the sign-in form the app redirected to (or opened) and submits it. */
async function submitSignIn(page: Page, email: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

test("a signed-out deep link to an action goes through sign-in and lands on the action", async ({ page, org }) => {
  const action = await org.requestAction("production");
  await page.goto(`/actions/${action.id}`);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(`/actions/${action.id}`);
  await submitSignIn(page, org.users.operator.email);
  await expect(page).toHaveURL(new RegExp(`/actions/${action.id}$`));
  await expect(page.getByTestId("action-detail")).toHaveAttribute("data-status", "PENDING_APPROVAL");
});

test("a signed-out deep link to an incident keeps its query through sign-in", async ({ page, org }) => {
  const target = `/incidents/${org.incidents.staging.id}?from=pager&x=1`;
  await page.goto(target);
  await expect(page).toHaveURL(/\/signin\?callbackUrl=/);
  await submitSignIn(page, org.users.viewer.email);
  await expect(page).toHaveURL(new RegExp(`${target.replace("?", "\\?")}$`));
  await expect(page.getByRole("heading", { name: "checkout latency p99 over 2 s" })).toBeVisible();
});

for (const evil of ["https://evil.example", "//evil.example", "/\\evil.example", "https://evil.example/actions/x"]) {
  test(`sign-in ignores callbackUrl=${evil} (no open redirect)`, async ({ page, org }) => {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(evil)}`);
    await submitSignIn(page, org.users.viewer.email);
    await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/control-center$/);
  });
}

test("the action page: row, incident by title, verdict, approval, events; approve from it", async ({
  page,
  org,
}, testInfo) => {
  const action = await org.requestAction("production");
  await signInAs(page, org, "operator2");
  await page.goto(`/actions/${action.id}`);
  await expect(page).toHaveTitle(`restart-service api-gateway · ${PRODUCT}`);
  const detail = page.getByTestId("action-detail");
  await expect(detail.getByRole("heading", { level: 1 })).toContainText("restart-service · api-gateway");
  const facts = detail.getByTestId("action-facts");
  await expect(facts).toContainText("production");
  await expect(facts).toContainText(org.users.operator.name);
  await expect(facts.getByTestId("relative-time").first()).toHaveAttribute("title", /UTC$/);
  await expect(detail.getByTestId("policy-verdict")).toBeVisible();
  await expect(detail.getByTestId("approval-progress")).toBeVisible();
  // The event timeline with its place in the audit chain once sealed.
  const requested = detail.locator('[data-event-type="REQUESTED"]');
  await expect(requested.getByTestId("event-seq")).toHaveText(/^#\d+$/, { timeout: 15_000 });
  await saveScreenshot(page, testInfo, "action-page");

  await detail.getByRole("button", { name: "Approve…" }).click();
  const dialog = page.getByRole("dialog", { name: "Approve remediation" });
  await dialog.getByRole("button", { name: "Approve", exact: true }).click();
  await expect(dialog).toBeHidden();
  // The page follows the server's row: approved, then executed.
  await expect(detail).toHaveAttribute("data-status", "COMPLETED", { timeout: 15_000 });
  await expect(detail.locator('[data-event-type="APPROVED"]')).toBeVisible();

  await detail.getByRole("link", { name: "api-gateway 5xx rate above 12%" }).click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${action.incidentId}$`));
});

test("an unknown, malformed or other organization's action id is a 404 page", async ({
  page,
  org,
  request,
  consoleErrors,
}) => {
  // The browser logs the document's 404 itself.
  consoleErrors.allow(/status of 404 \(Not Found\) \[http:\/\/127\.0\.0\.1:\d+\/(actions|incidents)\//);
  const other = await seedOrganization(request);
  const foreign = await other.requestAction("production");
  await signInAs(page, org, "viewer");
  for (const id of [foreign.id, "3f1c2a4e-0000-4000-8000-000000000000", "not-a-uuid"]) {
    const response = await page.goto(`/actions/${id}`);
    expect(response?.status(), id).toBe(404);
    await expect(page.getByRole("heading", { name: "Action not found" })).toBeVisible();
    await expect(page).toHaveTitle(`Action not found · ${PRODUCT}`);
  }
  const response = await page.goto(`/incidents/${other.incidents.staging.id}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Incident not found" })).toBeVisible();
});

test("every list that shows actions links to the action page", async ({ page, org }) => {
  const action = await org.requestAction("production");
  await signInAs(page, org, "viewer");
  // The Control Center's actions table.
  await page
    .locator(`[data-testid="action-row"][data-action-id="${action.id}"]`)
    .getByRole("link", { name: /^restart-service/ })
    .click();
  await expect(page).toHaveURL(new RegExp(`/actions/${action.id}$`));
  // The incident's history.
  await page.goto(`/incidents/${action.incidentId}`);
  await page.locator(`[data-testid="history-row"][data-action-id="${action.id}"]`).getByTestId("open-action").click();
  await expect(page).toHaveURL(new RegExp(`/actions/${action.id}$`));
  // The pending queue.
  await page.goto("/control-center");
  await page.locator(`[data-testid="pending-row"][data-action-id="${action.id}"]`).getByTestId("open-action").click();
  await expect(page).toHaveURL(new RegExp(`/actions/${action.id}$`));
});

test("actions-table filters live in the URL: a shared link reproduces the view, back/forward steps through it", async ({
  page,
  org,
}) => {
  const pending = await org.requestAction("production");
  const staging = await org.requestAction("staging");
  await signInAs(page, org, "viewer");
  const row = (id: string) => page.locator(`[data-testid="action-row"][data-action-id="${id}"]`);

  // A link with filters opens the filtered table.
  await page.goto("/control-center?status=PENDING_APPROVAL");
  await expect(page.getByLabel("Status filter")).toHaveValue("PENDING_APPROVAL");
  await expect(row(pending.id)).toBeVisible();
  await expect(row(staging.id)).toHaveCount(0);

  // Changing a filter changes the URL; back restores the previous view.
  await page.getByLabel("Status filter").selectOption("");
  await expect(page).toHaveURL(/\/control-center$/);
  await expect(row(staging.id)).toBeVisible();
  await page.getByLabel("Environment filter").fill("staging");
  await expect(page).toHaveURL(/[?&]environment=staging/);
  await expect(row(pending.id)).toHaveCount(0);
  await page.goBack();
  await expect(page).toHaveURL(/\/control-center$/);
  await expect(page.getByLabel("Environment filter")).toHaveValue("");
  await expect(row(pending.id)).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/status=PENDING_APPROVAL/);
  await expect(row(staging.id)).toHaveCount(0);

  // The incident filter, from the incident page, names the incident.
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  await page.getByRole("link", { name: "All actions of this incident" }).click();
  await expect(page).toHaveURL(new RegExp(`incidentId=${org.incidents.staging.id}`));
  await expect(page.getByTestId("incident-filter")).toContainText("checkout latency p99 over 2 s");
  await expect(row(staging.id)).toBeVisible();
  await expect(row(pending.id)).toHaveCount(0);
});

test("a link clicked right after typing a filter is followed, and back returns to the filtered view", async ({
  page,
  org,
}) => {
  const staging = await org.requestAction("staging");
  await signInAs(page, org, "viewer");
  const row = page.locator(`[data-testid="action-row"][data-action-id="${staging.id}"]`);
  await expect(row).toBeVisible();
  // The URL holds the filter by the end of the keystroke's own event (typed and read in one task
  // of the page, so no timer can run in between): there is no deferred write that could cancel a
  // navigation started right after, or land on the next page.
  const search = await page.getByLabel("Environment filter").evaluate((input: HTMLInputElement) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
    setValue?.call(input, "staging");
    input.dispatchEvent(new Event("input", { bubbles: true }));
    return window.location.search;
  });
  expect(search).toBe("?environment=staging");
  await row.getByRole("link", { name: "checkout latency p99 over 2 s" }).click();
  await expect(page).toHaveURL(new RegExp(`/incidents/${staging.incidentId}$`));
  await expect(page.getByRole("heading", { name: "checkout latency p99 over 2 s" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/control-center\?environment=staging$/);
  await expect(page.getByLabel("Environment filter")).toHaveValue("staging");
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveAttribute(
    "href",
    "/remediation/export/csv?environment=staging",
  );
});

test("every page has its own title", async ({ page, org }) => {
  await page.goto("/signin");
  await expect(page).toHaveTitle(`Sign in · ${PRODUCT}`);
  await signInAs(page, org, "viewer");
  await expect(page).toHaveTitle(new RegExp(`· ${PRODUCT}$`));
  await page.goto("/incidents");
  await expect(page).toHaveTitle(`Incidents · ${PRODUCT}`);
  await page.goto(`/incidents/${org.incidents.staging.id}`);
  await expect(page).toHaveTitle(`INC-1002 checkout latency p99 over 2 s · ${PRODUCT}`);
  await page.goto("/settings");
  await expect(page).toHaveTitle(`Settings · ${PRODUCT}`);
});

test("the actions table shows incident titles and relative times with the exact UTC time on hover", async ({
  page,
  org,
}) => {
  const action = await org.requestAction("staging");
  await signInAs(page, org, "viewer");
  const row = page.locator(`[data-testid="action-row"][data-action-id="${action.id}"]`);
  await expect(row.getByRole("link", { name: "checkout latency p99 over 2 s" })).toBeVisible();
  const time = row.getByTestId("relative-time");
  await expect(time).toHaveText(/ago$/);
  await expect(time).toHaveAttribute("title", /^\d{2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} UTC$/);
  await expect(time).toHaveAttribute("datetime", action.createdAt);
});

test("the incidents list's status filter lives in the URL", async ({ page, org }) => {
  await org.query(`UPDATE incidents SET status = 'RESOLVED' WHERE id = $1`, [org.incidents.staging.id]);
  await signInAs(page, org, "viewer");
  await page.goto("/incidents?status=RESOLVED");
  await expect(page.getByLabel("Incident status filter")).toHaveValue("RESOLVED");
  await expect(page.getByTestId("incident-row")).toHaveCount(1);
  await expect(page.getByRole("link", { name: "checkout latency p99 over 2 s" })).toBeVisible();
  await page.getByLabel("Incident status filter").selectOption("OPEN");
  await expect(page).toHaveURL(/\/incidents\?status=OPEN$/);
  await expect(page.getByRole("link", { name: "api-gateway 5xx rate above 12%" })).toBeVisible();
  await expect(page.getByTestId("incident-row")).toHaveCount(1);
  await page.goBack();
  await expect(page.getByLabel("Incident status filter")).toHaveValue("RESOLVED");
});

test("the action page follows decisions made elsewhere without a reload", async ({ page, org }) => {
  const action = await org.requestAction("production");
  await signInAs(page, org, "viewer");
  await page.goto(`/actions/${action.id}`);
  const detail = page.getByTestId("action-detail");
  await expect(detail).toHaveAttribute("data-status", "PENDING_APPROVAL");
  const approved = await org.api("POST", `/remediation/${action.id}/approve`, { reason: "from the API" }, "operator2");
  expect(approved.status).toBe(200);
  await expect(detail).toHaveAttribute("data-status", "COMPLETED", { timeout: 15_000 });
  await expect(detail.locator('[data-event-type="APPROVED"]')).toContainText("Reason: from the API");
  await expect(detail.getByRole("button", { name: "Approve…" })).toHaveCount(0);
});
