import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations, textContrasts } from "../fixtures/axe";
import type { SeededOrg } from "../fixtures/seed";
import { expect, signInAs, test } from "../fixtures/test";

// Accessibility of every page (docs/behaviour.md#ui-accessibility): axe on each page and settings tab,
// in the light and the dark theme (the system preference), on a desktop window and a 390 px
// phone; serious or critical violations fail. The pages carry data of every kind (a pending
// action, a guardrail-blocked one, an override waiting for review, finished actions, a failed
// report run), so badges, alerts, the chart and tables are all checked.

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800 },
  { name: "390 px", width: 390, height: 844 },
] as const;

const SETTINGS_TABS = ["Reporting", "Report runs", "Policy", "Email outbox", "Audit", "API tokens"] as const;

/** Waits until no panel is loading (a spinner's "Loading…" status or an aria-busy region). */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole("status").filter({ hasText: /Loading/ })).toHaveCount(0);
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
}

/** Data of every kind for the pages to show. */
async function seedVariety(org: SeededOrg): Promise<{ pendingId: string }> {
  await org.requestAction("staging"); // runs at once: COMPLETED in the table and the chart
  const pending = await org.requestAction("production", { by: "admin" }); // pending, then blocked by the policy below
  const overridden = await org.requestAction("production", { by: "admin" });
  await org.updatePolicy({ blockedEnvironments: ["production"] });
  await org.override(overridden.id);
  await org.query(
    `INSERT INTO report_runs (id, "organizationId", cadence, trigger, recipients, "deliveredCount", "failedDeliveryCount",
       "deliveryFailures", "totalActions", status, error, "periodStart", "periodEnd", "startedAt", "completedAt")
     VALUES (gen_random_uuid(), $1, 'weekly', 'manual', $2, 0, 1, $3::jsonb, 3, 'failed', '1 of 1 deliveries failed',
       now() - interval '7 days', now(), now(), now())`,
    [org.id, ["sre@example.com"], JSON.stringify([{ recipient: "sre@example.com", error: "550 mailbox unavailable" }])],
  );
  return { pendingId: pending.id };
}

for (const scheme of ["light", "dark"] as const) {
  for (const viewport of VIEWPORTS) {
    test(`axe: no serious or critical violation on any page (${scheme}, ${viewport.name})`, async ({ page, org }) => {
      // Twelve pages and states, each analysed by axe.
      test.slow();
      const { pendingId } = await seedVariety(org);
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize(viewport);
      const where = (name: string) => `${name} (${scheme}, ${viewport.name})`;

      await page.goto("/signin");
      await expect(page.getByLabel("Email")).toBeVisible();
      await expectNoSeriousA11yViolations(page, where("sign-in"));

      await signInAs(page, org, "admin");
      await expect(page.getByTestId("stat-total")).toHaveText(/\d/);
      await expect(page.locator('[data-testid="activity-chart"] .recharts-bar-rectangle').first()).toBeVisible();
      await settled(page);
      await expectNoSeriousA11yViolations(page, where("control center"));

      await page.goto("/incidents");
      await expect(page.getByTestId("incident-row").first()).toBeVisible();
      await settled(page);
      await expectNoSeriousA11yViolations(page, where("incidents"));

      await page.goto(`/incidents/${org.incidents.production.id}`);
      await expect(page.getByTestId("history-row").first()).toBeVisible();
      await settled(page);
      await expectNoSeriousA11yViolations(page, where("incident detail"));

      await page
        .getByRole("button", { name: /^Execute: / })
        .first()
        .click();
      const dialog = page.getByRole("dialog", { name: "Execute suggested remediation?" });
      await expect(dialog.getByTestId("policy-preview")).not.toContainText("Evaluating");
      await expectNoSeriousA11yViolations(page, where("execute dialog"));
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();

      // The action page of a pending action that would now override a guardrail.
      await page.goto(`/actions/${pendingId}`);
      await expect(page.getByRole("heading", { level: 1 })).toContainText("restart-service");
      await settled(page);
      await expectNoSeriousA11yViolations(page, where("action page"));

      await page.goto("/settings");
      for (const tab of SETTINGS_TABS) {
        await page.getByRole("tab", { name: tab }).click();
        await expect(page.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
        await settled(page);
        await expectNoSeriousA11yViolations(page, where(`settings: ${tab}`));
      }
    });
  }
}

test("chart legends and axis labels meet WCAG AA contrast in both themes", async ({ page, org }) => {
  await org.requestAction("staging");
  const decided = await org.requestAction("production");
  expect((await org.api("POST", `/remediation/${decided.id}/approve`, {}, "operator2")).status).toBe(200);
  await signInAs(page, org, "admin");
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const chart of ["activity-chart", "decision-time-chart"]) {
      // axe reports these as "incomplete" (text beside an SVG swatch): measured here instead.
      for (const part of [".recharts-legend-item-text > span", ".recharts-cartesian-axis-tick-value"]) {
        const texts = page.getByTestId(chart).locator(part);
        await expect(texts.first()).toBeVisible();
        for (const { text, ratio } of await textContrasts(texts)) {
          expect(ratio, `${chart} ${part} "${text}" (${colorScheme})`).toBeGreaterThanOrEqual(4.5);
        }
      }
    }
  }
});
