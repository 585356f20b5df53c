import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Page, type Response, request } from "@playwright/test";
import pg from "pg";
import { DEMO_PASSWORD } from "@/server/demo/demo-data";
import { closeE2eDb, seedOrganization } from "../fixtures/seed";
import { startMeasuredApp } from "./app-server";

// `npx tsx e2e/measure/control-center-load.ts [actions=100000] [runs=5]`
// Starts the production app on a throwaway database (e2e/serve.ts), gives one organization N
// actions over the last 30 days (INSERT … SELECT generate_series; 0.2 % pending), then times in
// headless Chromium how long the Control Center takes from navigation start until the hero,
// stats, pending approvals, actions table and chart all show data, and sums the JS it loaded.

const ACTIONS = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 5);
const PORT = 3104;
const BASE = `http://127.0.0.1:${PORT}`;

async function seedActions(url: string, organizationId: string, incidentId: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const started = performance.now();
  await client.query(
    `INSERT INTO remediation_actions (id, "organizationId", "incidentId", "actionType", parameters, "serviceName",
       environment, severity, status, "performedBy", details, error, "createdAt", "updatedAt")
     SELECT gen_random_uuid(), $1, $2::uuid, 'restart-service', '{"service":"api-gateway"}', 'api-gateway',
       (ARRAY['production','staging','qa'])[1 + g % 3], 'HIGH',
       (CASE WHEN g % 500 = 0 THEN 'PENDING_APPROVAL' WHEN g % 10 = 0 THEN 'FAILED' WHEN g % 7 = 0 THEN 'REJECTED'
             ELSE 'COMPLETED' END)::"ActionStatus",
       'seed', '{"policy":{"outcome":"PENDING_APPROVAL","reasons":["Environment production requires approval."],"violations":[]}}',
       NULL, now() - make_interval(secs => g * (2592000.0 / $3)), now() - make_interval(secs => g * (2592000.0 / $3))
     FROM generate_series(1, $3) AS g`,
    [organizationId, incidentId, ACTIONS],
  );
  await client.query("ANALYZE remediation_actions");
  await client.end();
  console.log(`seeded ${ACTIONS} actions in ${Math.round(performance.now() - started)} ms`);
}

/** Navigation start → every Control Center panel showing data, plus the JS the page pulled in. */
async function measure(page: Page): Promise<{ ms: number; jsFiles: number; jsKiB: number; chartKiB: number }> {
  const js = new Map<string, Promise<number>>();
  const trpc: Promise<string>[] = [];
  const onResponse = (res: Response) => {
    const url = new URL(res.url());
    if (url.pathname.startsWith("/api/trpc/")) {
      const t = res.request().timing();
      trpc.push(Promise.resolve(`${url.pathname.slice(10)} ${Math.round(t.responseStart - t.requestStart)} ms`));
    }
    if (!new URL(res.url()).pathname.endsWith(".js")) return;
    js.set(
      res.url(),
      res
        .request()
        .sizes()
        .then(
          (s) => s.responseBodySize,
          () => 0,
        ),
    );
  };
  page.on("response", onResponse);
  await page.goto("about:blank");
  const beforeChart = new Set<string>();
  await page.goto("/control-center", { waitUntil: "commit" });
  await page.waitForLoadState("load");
  for (const url of js.keys()) beforeChart.add(url);
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  const visibleAt = await page.waitForFunction(
    `(() => {
      const text = (id) => document.querySelector('[data-testid="' + id + '"]')?.textContent ?? "";
      const ready =
        text("signal-label") !== "" &&
        /\\d/.test(text("stat-total")) &&
        document.querySelector('[data-testid="pending-row"]') !== null &&
        document.querySelector('[data-testid="action-row"]') !== null &&
        document.querySelector('[data-testid="activity-chart"] .recharts-bar-rectangle') !== null;
      return ready ? performance.now() : false;
    })()`,
    undefined,
    { polling: "raf", timeout: 60_000 },
  );
  const ms = Math.round((await visibleAt.jsonValue()) as number);
  page.off("response", onResponse);
  let total = 0;
  let chart = 0;
  for (const [url, size] of js) {
    const bytes = await size;
    total += bytes;
    if (!beforeChart.has(url)) chart += bytes;
  }
  if (process.env.MEASURE_VERBOSE) {
    console.log(`  server time to first byte: ${(await Promise.all(trpc)).join("; ")}`);
    for (const [url, size] of js) console.log(`  ${new URL(url).pathname} ${Math.round((await size) / 1024)} KiB`);
  }
  return { ms, jsFiles: js.size, jsKiB: Math.round(total / 1024), chartKiB: Math.round(chart / 1024) };
}

async function main(): Promise<void> {
  const { stop } = await startMeasuredApp(PORT);
  try {
    const url = readFileSync(path.join(process.cwd(), ".data", "e2e-database-url"), "utf8").trim();
    const api = await request.newContext({ baseURL: BASE });
    const org = await seedOrganization(api);
    await seedActions(url, org.id, org.incidents.production.id);

    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    const signIn = await browser.newContext({ baseURL: BASE });
    const signInPage = await signIn.newPage();
    await signInPage.goto("/signin");
    await signInPage.getByLabel("Email").fill(org.users.operator.email);
    await signInPage.getByLabel("Password").fill(DEMO_PASSWORD);
    await signInPage.getByRole("button", { name: "Sign in", exact: true }).click();
    await signInPage.waitForURL(/control-center/);
    const storageState = await signIn.storageState();
    await signIn.close();

    // Cold: a new context per run (empty HTTP cache, like a first visit). Warm: one context, reloaded.
    const cold: number[] = [];
    const warm: number[] = [];
    const warmContext = await browser.newContext({
      baseURL: BASE,
      storageState,
      viewport: { width: 1280, height: 900 },
    });
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext({ baseURL: BASE, storageState, viewport: { width: 1280, height: 900 } });
      const result = await measure(await context.newPage());
      cold.push(result.ms);
      console.log(
        `cold run ${run + 1}: data visible after ${result.ms} ms; JS ${result.jsFiles} files, ${result.jsKiB} KiB over the wire (${result.chartKiB} KiB of it loaded lazily for the chart)`,
      );
      await context.close();
    }
    const warmPage = await warmContext.newPage();
    for (let run = 0; run <= RUNS; run++) {
      const result = await measure(warmPage);
      if (run > 0) warm.push(result.ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `${ACTIONS} actions: cold median ${median(cold)} ms (${cold.join(", ")}); warm median ${median(warm)} ms (${warm.join(", ")})`,
    );
    await browser.close();
    await api.dispose();
  } finally {
    await closeE2eDb();
    await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
