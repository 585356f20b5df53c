import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "@playwright/test";
import { DEMO_INCIDENTS, DEMO_PASSWORD, DEMO_USERS } from "@/server/demo/demo-data";
import { startMeasuredApp } from "./app-server";

// `npx tsx e2e/measure/screenshots.ts` (after `npm run build`)
// Starts the production app on a throwaway database with the demo data (e2e/serve.ts), signs in
// as the demo admin and writes the README's screenshots to docs/screenshots/: the Control Center
// on a desktop (1440×900), on a phone (390×844) and in the dark theme, an incident, its execute
// dialog, and an action's page (/actions/[id]; skipped with a note while that route 404s).

const PORT = Number(process.env.SCREENSHOTS_PORT ?? 3105);
const BASE = `http://127.0.0.1:${PORT}`;
const OUT = path.join(process.cwd(), "docs", "screenshots");
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Until no panel shows its loading spinner and the chart has drawn its bars. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(
    `(() => {
      const loading = [...document.querySelectorAll('[role="status"]')].some((e) => /Loading/.test(e.textContent ?? ""));
      const busy = document.querySelector('[aria-busy="true"]') !== null;
      const chart = document.querySelector('[data-testid="activity-chart"]');
      return !loading && !busy && (!chart || chart.querySelector(".recharts-bar-rectangle") !== null);
    })()`,
    undefined,
    { timeout: 60_000 },
  );
  // Fonts and the last layout pass.
  await page.evaluate("document.fonts.ready");
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

async function shot(page: Page, name: string): Promise<void> {
  await settled(page);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, animations: "disabled" });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

/** A signed-in page (the demo admin) in a context of its own: viewport and colour scheme. */
async function signedInPage(
  browser: Browser,
  viewport: { width: number; height: number },
  colorScheme: "light" | "dark",
): Promise<Page> {
  // bypassCSP: the waits below are strings evaluated in the page, which the app's CSP forbids.
  const context = await browser.newContext({
    baseURL: BASE,
    viewport,
    colorScheme,
    deviceScaleFactor: 1,
    bypassCSP: true,
  });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO_USERS.admin.email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/control-center/);
  return page;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const { stop } = await startMeasuredApp(PORT);
  try {
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });

    const desktop = await signedInPage(browser, DESKTOP, "light");
    await shot(desktop, "control-center");
    await shot(await signedInPage(browser, PHONE, "light"), "control-center-mobile");
    await shot(await signedInPage(browser, DESKTOP, "dark"), "control-center-dark");

    // The demo's production incident: pending approvals and suggestions to execute.
    await desktop.goto("/incidents");
    await desktop.getByRole("link", { name: DEMO_INCIDENTS.gatewayErrors.title }).first().click();
    await desktop.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    await shot(desktop, "incident");
    const suggestion = DEMO_INCIDENTS.gatewayErrors.suggestions[0];
    await desktop.getByRole("button", { name: `Execute: ${suggestion?.title}` }).click();
    await desktop.getByRole("dialog").getByTestId("policy-preview").waitFor();
    await desktop.waitForFunction(
      `!document.querySelector('[data-testid="policy-preview"]')?.textContent?.includes("Evaluating")`,
    );
    await shot(desktop, "execute-dialog");
    await desktop.keyboard.press("Escape");

    // An action's own page: the newest action of this incident.
    const actionId = await desktop
      .locator("[data-action-id]")
      .first()
      .getAttribute("data-action-id", { timeout: 15_000 });
    const response = await desktop.goto(`/actions/${actionId}`);
    if (response?.status() !== 200) throw new Error(`/actions/${actionId} answered ${response?.status()}`);
    await desktop.getByRole("heading", { level: 1 }).waitFor();
    await shot(desktop, "action-page");

    await browser.close();
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
