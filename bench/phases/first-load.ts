import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "@playwright/test";
import bcrypt from "bcryptjs";
import pg from "pg";
import type { BenchConfig } from "../config";
import type { ServerTarget } from "./reads";

/**
 * P6 (bench/README.md): the Control Center's first load in headless Chromium, signed in as an
 * operator of an organization with `otherRows` actions (100,000 in the full run):
 * - first-load JavaScript: every `.js` response the document's HTML names (its script tags and the
 *   chunks of the client components it renders, listed in its inline payload), counted as the
 *   gzip size of its body (what a gzip-compressing server sends; also reported as transferred,
 *   what this server sent). Chunks the page imports later (next/dynamic: the chart, dialogs,
 *   the panels below the queue, toasts) are reported apart as lazy;
 * - stats visible: navigation start → the first frame in which `stat-total` shows a digit (never
 *   earlier than the first contentful paint), against the first contentful paint of `/signin`
 *   for a visitor without a session — the same server, root layout, CSS and framework scripts,
 *   and no data read: what "the data arrives with the page" is compared to.
 * Each run uses a new browser context (an empty HTTP cache, a first visit); one untimed warm-up
 * of each page first, which is also the load whose scripts are counted: the timed loads of both
 * pages carry the same instruments (the stats probe) and nothing else. Medians over the runs.
 */

export interface FirstLoadRun {
  statsVisibleMs: number;
  controlCenterFcpMs: number;
  staticFcpMs: number;
  /** Navigation start → the last byte of each page's HTML: the server's share of the first paint. */
  controlCenterHtmlMs: number;
  staticHtmlMs: number;
}

export interface FirstLoadMeasurement {
  organizationId: string;
  actions: number;
  runs: FirstLoadRun[];
  jsFiles: number;
  /** Sum of gzip(body) of the first-load scripts, KiB. */
  jsGzipKiB: number;
  /** Sum of the bytes the server actually sent for them, KiB. */
  jsTransferredKiB: number;
  /** Scripts the HTML does not name, imported once the page runs (the chart, dialogs, …), gzip KiB. */
  lazyJsGzipKiB: number;
  statsVisibleMedianMs: number;
  staticFcpMedianMs: number;
  /** Medians of navigation start → the HTML's last byte (responseEnd), each page. */
  controlCenterHtmlMedianMs: number;
  staticHtmlMedianMs: number;
  ratio: number;
}

const EMAIL = "bench-operator@bench.local";
const PASSWORD = "bench-first-load-password";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const VIEWPORT = { width: 1280, height: 900 };

/** An operator with a password in the organization (the seed's organizations have no accounts). */
async function ensureOperator(databaseUrl: string, organizationId: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const hash = await bcrypt.hash(PASSWORD, 10);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO users (id, email, name, "passwordHash") VALUES (gen_random_uuid(), $1, 'Bench Operator', $2)
       ON CONFLICT (email) DO UPDATE SET "passwordHash" = EXCLUDED."passwordHash" RETURNING id`,
      [EMAIL, hash],
    );
    await client.query(
      `INSERT INTO memberships ("userId", "organizationId", role) VALUES ($1::uuid, $2, 'operator')
       ON CONFLICT DO NOTHING`,
      [rows[0]!.id, organizationId],
    );
  } finally {
    await client.end();
  }
}

async function signedInState(browser: Browser, baseURL: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(EMAIL);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/control-center/, { timeout: 60_000 });
  const state = await context.storageState();
  await context.close();
  return state;
}

/**
 * Installed before any document script: records the first animation frame in which the stats'
 * total shows a digit (a frame callback runs right before that frame is painted), and the paints.
 */
const STATS_PROBE = `(() => {
  window.__statsVisibleAt = undefined;
  const check = () => {
    if (window.__statsVisibleAt !== undefined) return;
    const el = document.querySelector('[data-testid="stat-total"]');
    if (el && /\\d/.test(el.textContent || "")) window.__statsVisibleAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()`;

/** Navigation start → the document's last byte (its Navigation Timing responseEnd). */
async function htmlEnd(page: Page): Promise<number> {
  return page.evaluate(
    () => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).responseEnd,
  );
}

async function firstContentfulPaint(page: Page): Promise<number> {
  // Functions, not strings: the app's CSP forbids evaluating strings in the page.
  const fcp = await page.waitForFunction(
    () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? false,
    undefined,
    { timeout: 60_000 },
  );
  return (await fcp.jsonValue()) as number;
}

async function staticRun(browser: Browser, baseURL: string): Promise<{ fcp: number; html: number }> {
  const context = await browser.newContext({ baseURL, viewport: VIEWPORT });
  const page = await context.newPage();
  // The same probe as the Control Center's (it finds no stats here and keeps polling frames).
  await page.addInitScript(STATS_PROBE);
  await page.goto("/signin", { waitUntil: "load" });
  const fcp = await firstContentfulPaint(page);
  const html = await htmlEnd(page);
  await context.close();
  return { fcp, html };
}

interface ScriptSizes {
  files: number;
  gzip: number;
  transferred: number;
  lazyGzip: number;
}

/**
 * One load of the Control Center. Only an untimed load counts its scripts (`countScripts`):
 * reading a response body goes through the DevTools protocol into the page while it loads, work
 * the /signin loads it is compared with do not have.
 */
async function controlCenterRun(
  browser: Browser,
  baseURL: string,
  storageState: Awaited<ReturnType<typeof signedInState>>,
  countScripts: boolean,
): Promise<FirstLoadRun & { scripts?: ScriptSizes }> {
  const context = await browser.newContext({ baseURL, storageState, viewport: VIEWPORT });
  const page = await context.newPage();
  await page.addInitScript(STATS_PROBE);
  const scriptsSeen: { path: string; sizes: Promise<[number, number]> }[] = [];
  page.on("response", (response) => {
    if (!countScripts) return;
    const path = new URL(response.url()).pathname;
    if (!path.endsWith(".js")) return;
    const gzip = response.body().then(
      (body) => gzipSync(body).length,
      () => 0,
    );
    const sent = response
      .request()
      .sizes()
      .then(
        (s) => s.responseBodySize,
        () => 0,
      );
    scriptsSeen.push({ path, sizes: Promise.all([gzip, sent]) });
  });
  const response = await page.goto("/control-center", { waitUntil: "load" });
  if (!response?.ok() || !new URL(page.url()).pathname.startsWith("/control-center"))
    throw new Error(`P6: /control-center answered ${response?.status()} at ${page.url()}`);
  const html = await response.text();
  const visible = await page.waitForFunction(
    () => (window as unknown as { __statsVisibleAt?: number }).__statsVisibleAt ?? false,
    undefined,
    { timeout: 60_000 },
  );
  const statsAt = (await visible.jsonValue()) as number;
  const fcp = await firstContentfulPaint(page);
  const controlCenterHtmlMs = await htmlEnd(page);
  const scripts = countScripts ? await scriptSizes(page, html, scriptsSeen) : undefined;
  await context.close();
  // Nothing is visible before the first contentful paint.
  return {
    statsVisibleMs: Math.max(statsAt, fcp),
    controlCenterFcpMs: fcp,
    staticFcpMs: 0,
    controlCenterHtmlMs,
    staticHtmlMs: 0,
    ...(scripts && { scripts }),
  };
}

/** The first-load and lazy scripts of a load, once the chart's chunk and the other panels' reads are in. */
async function scriptSizes(
  page: Page,
  html: string,
  scriptsSeen: { path: string; sizes: Promise<[number, number]> }[],
): Promise<ScriptSizes> {
  await page.waitForLoadState("networkidle").catch(() => {});
  // The HTML names a chunk in a script tag or in its inline payload; the hashed file name is unique.
  const named = (path: string) => html.includes(path.slice(path.lastIndexOf("/") + 1));
  const first = await Promise.all(scriptsSeen.filter((s) => named(s.path)).map((s) => s.sizes));
  const lazy = await Promise.all(scriptsSeen.filter((s) => !named(s.path)).map((s) => s.sizes));
  return {
    files: first.length,
    gzip: first.reduce((n, [g]) => n + g, 0),
    transferred: first.reduce((n, [, t]) => n + t, 0),
    lazyGzip: lazy.reduce((n, [g]) => n + g, 0),
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
const ms = (n: number) => Math.round(n * 10) / 10;

export async function measureFirstLoad(
  config: BenchConfig,
  databaseUrl: string,
  app: ServerTarget,
  organizationId: string,
  log: (m: string) => void,
): Promise<FirstLoadMeasurement> {
  await ensureOperator(databaseUrl, organizationId);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  try {
    const storageState = await signedInState(browser, app.url);
    // Warm-up: the server's first render of each route, untimed.
    await staticRun(browser, app.url);
    const { scripts } = await controlCenterRun(browser, app.url, storageState, true);
    if (!scripts) throw new Error("P6: the warm-up load counted no scripts");
    const runs: FirstLoadRun[] = [];
    for (let i = 0; i < config.firstLoadRuns; i++) {
      // Alternate the two pages so drift in the machine's load touches both alike.
      const signin = await staticRun(browser, app.url);
      const run = await controlCenterRun(browser, app.url, storageState, false);
      runs.push({
        statsVisibleMs: ms(run.statsVisibleMs),
        controlCenterFcpMs: ms(run.controlCenterFcpMs),
        staticFcpMs: ms(signin.fcp),
        controlCenterHtmlMs: ms(run.controlCenterHtmlMs),
        staticHtmlMs: ms(signin.html),
      });
      log(
        `  P6 run ${i + 1}: stats visible ${ms(run.statsVisibleMs)} ms (its FCP ${ms(run.controlCenterFcpMs)} ms, ` +
          `HTML in by ${ms(run.controlCenterHtmlMs)} ms), /signin FCP ${ms(signin.fcp)} ms (HTML in by ${ms(signin.html)} ms)`,
      );
    }
    const statsVisibleMedianMs = median(runs.map((r) => r.statsVisibleMs));
    const staticFcpMedianMs = median(runs.map((r) => r.staticFcpMs));
    return {
      organizationId,
      actions: config.otherRows,
      runs,
      jsFiles: scripts.files,
      jsGzipKiB: kib(scripts.gzip),
      jsTransferredKiB: kib(scripts.transferred),
      lazyJsGzipKiB: kib(scripts.lazyGzip),
      statsVisibleMedianMs: ms(statsVisibleMedianMs),
      staticFcpMedianMs: ms(staticFcpMedianMs),
      controlCenterHtmlMedianMs: ms(median(runs.map((r) => r.controlCenterHtmlMs))),
      staticHtmlMedianMs: ms(median(runs.map((r) => r.staticHtmlMs))),
      ratio: Math.round((statsVisibleMedianMs / staticFcpMedianMs) * 100) / 100,
    };
  } finally {
    await browser.close();
  }
}
