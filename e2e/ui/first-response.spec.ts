import { expect, expectQueueRowHydrated, signInAs, test } from "../fixtures/test";

// The Control Center's first response carries its data (docs/architecture.md#server-rendered-data):
// the hero, the stats and the first page of the pending queue are in the HTML the server sends.

test("the first HTML carries the hero, the stats and the pending rows; without JavaScript they still show", async ({
  page,
  browser,
  org,
}, testInfo) => {
  const first = await org.requestAction("production");
  const second = await org.requestAction("production");
  expect([first.status, second.status]).toEqual(["PENDING_APPROVAL", "PENDING_APPROVAL"]);
  await signInAs(page, org, "operator");

  // The raw response, with the signed-in session's cookie: no script has run.
  const html = await (await page.request.get("/control-center")).text();
  const textOf = (testId: string) => new RegExp(`data-testid="${testId}"[^>]*>(?:<[^>]+>)*([^<]*)<`).exec(html)?.[1];
  expect(textOf("stat-total")).toBe("2");
  expect(textOf("stat-pending")).toBe("2");
  expect(textOf("signal-pending")).toBe("2");
  expect(textOf("signal-label")).toBe("Healthy");
  expect(html).toContain(`data-action-id="${first.id}"`);
  expect(html).toContain(`data-action-id="${second.id}"`);
  // Two requested in the last 24 h, none decided: the hero's trend says so.
  expect(html).toMatch(/data-testid="signal-pending-trend"[^>]*><span aria-hidden="true">▲ 2 vs 24 h ago</);

  // A browser with JavaScript off shows the same numbers and rows.
  const noScript = await browser.newContext({
    baseURL: testInfo.project.use.baseURL,
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const plain = await noScript.newPage();
  await plain.goto("/control-center");
  await expect(plain.getByTestId("stat-total")).toHaveText("2");
  await expect(plain.getByTestId("signal-pending")).toHaveText("2");
  await expect(plain.locator(`[data-testid="pending-row"][data-action-id="${first.id}"]`)).toBeVisible();
  await expect(plain.locator(`[data-testid="pending-row"][data-action-id="${second.id}"]`)).toBeVisible();
  await noScript.close();
});

test("hydration reuses the server's data: with every tRPC read held back the numbers stay, then live updates arrive", async ({
  page,
  org,
}) => {
  const first = await org.requestAction("production");
  await signInAs(page, org, "operator");
  // Hold every tRPC request until released: what shows meanwhile came with the page.
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/trpc/**", async (route) => {
    await released;
    await route.continue();
  });
  await page.goto("/control-center");
  await expect(page.getByTestId("stat-total")).toHaveText("1");
  // Once the scripts have run (hydrated), still the server's numbers, not a loading state: the
  // browser's cache was filled from the HTML.
  await page.waitForLoadState("load");
  // Hydrated: buttons become usable only once React runs them (src/components/ui/button.tsx).
  await expectQueueRowHydrated(page, first.id);
  await expect(page.getByTestId("stat-pending")).toHaveText("1");
  await expect(page.getByTestId("signal-pending")).toHaveText("1");
  await expect(page.locator(`[data-testid="pending-row"][data-action-id="${first.id}"]`)).toBeVisible();
  release();
  // Still live after hydration: a request made elsewhere reaches the hydrated stats, hero and queue.
  const second = await org.requestAction("production");
  await expect(page.getByTestId("stat-pending")).toHaveText("2");
  await expect(page.getByTestId("signal-pending")).toHaveText("2");
  await expect(page.locator(`[data-testid="pending-row"][data-action-id="${second.id}"]`)).toBeVisible();
});

test("hero counts link to their filtered lists", async ({ page, org }) => {
  await org.requestAction("production");
  await signInAs(page, org, "operator");
  const hero = page.getByTestId("priority-signal");
  await expect(hero.getByRole("link", { name: /1 pending approvals/ })).toHaveAttribute(
    "href",
    "/control-center?status=PENDING_APPROVAL#actions",
  );
  await expect(hero.getByRole("link", { name: /failed in last 24 h/ })).toHaveAttribute(
    "href",
    "/control-center?status=FAILED#actions",
  );
  await expect(page.getByTestId("signal-failed-trend")).toContainText("same as previous 24 h");
  await hero.getByRole("link", { name: /1 pending approvals/ }).click();
  await expect(page).toHaveURL(/\/control-center\?status=PENDING_APPROVAL#actions$/);
  await expect(page.locator("#actions")).toBeInViewport();
});
