import { expect, signInAs, test } from "../fixtures/test";

// The Control Center on a phone (docs/behaviour.md#ui-accessibility): at 390 px (an iPhone 12) the
// pending queue comes before the stats, the stats are compact (two columns), the actions table
// keeps its status column in view, the shell's navigation works, and nothing scrolls the page
// sideways.

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("at 390 px: queue before stats, compact stats, status column visible, no sideways scroll", async ({
  page,
  org,
}) => {
  const pending = await org.requestAction("production");
  await org.requestAction("staging");
  await signInAs(page, org, "operator2");

  const queue = page.locator(`[data-testid="pending-row"][data-action-id="${pending.id}"]`);
  const stats = page.getByRole("region", { name: "Remediation stats" });
  await expect(queue).toBeVisible();
  await expect(page.getByTestId("stat-total")).toHaveText(/\d/);
  const queueBox = await queue.boundingBox();
  const statsBox = await stats.boundingBox();
  expect(queueBox && statsBox && queueBox.y < statsBox.y, "the pending queue is above the stats").toBe(true);

  // Compact: two stat cards per row, each no taller than 72 px.
  const cards = stats.locator(":scope > div");
  const [first, second, third] = await Promise.all([0, 1, 2].map((i) => cards.nth(i).boundingBox()));
  expect(first?.y).toBe(second?.y);
  expect(third?.y).toBeGreaterThan(first?.y ?? 0);
  expect(first?.height).toBeLessThanOrEqual(72);

  // The actions table: the status column is on screen, within the window's width.
  const table = page.getByRole("table", { name: "Remediation actions" });
  const statusHeader = table.getByRole("columnheader", { name: "Status" });
  await statusHeader.scrollIntoViewIfNeeded();
  await expect(statusHeader).toBeInViewport();
  const header = await statusHeader.boundingBox();
  expect((header?.x ?? 0) + (header?.width ?? 0)).toBeLessThanOrEqual(390);
  await expect(table.locator('[data-testid="action-row"]').first().getByTestId("action-status")).toBeInViewport();
  await expect(table.getByRole("columnheader", { name: "Requested by" })).toBeHidden();

  // No sideways scroll of the page itself.
  const overflow = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement?.scrollWidth ?? 0,
    innerWidth: window.innerWidth,
  }));
  expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.innerWidth);

  // The shell's navigation works with a tap.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" }).tap();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  const incidentsOverflow = await page.evaluate(
    () => (document.scrollingElement?.scrollWidth ?? 0) <= window.innerWidth,
  );
  expect(incidentsOverflow).toBe(true);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeInViewport();
});
