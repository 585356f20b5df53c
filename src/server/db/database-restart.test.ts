import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findRepoRoot } from "@/server/data-files";
import { waitFor } from "@/test/execution-fixtures";
import { tokenFor } from "@/test/factories";
import { type EmbeddedServer, startEmbeddedPostgres } from "./bootstrap";
import { ensureDatabaseExists, migrateDatabase, withDatabase } from "./migrate";

// Issue 12, item 6: PostgreSQL restarting under a running app. The app (src/test/app-process-entry.ts:
// the REST adapter, /health and the worker with every job, as scripts/serve.ts wires them, but
// without Next and its catch-all) runs in a child process on an embedded PostgreSQL this file
// starts on a free port, stops (SIGINT: "terminating connection due to administrator command" to
// every session) and starts again, twice, with requests and executions in flight. The child
// reports every uncaught exception and unhandled rejection on stdout.
const ROOT = findRepoRoot();
const ENTRY = path.join(ROOT, "src/test/app-process-entry.ts");
const DATA_DIR = path.join(ROOT, ".data", `restart-pg-${process.pid}-${randomBytes(3).toString("hex")}`);
const ORG = `restart-${randomBytes(3).toString("hex")}`;
const CYCLES = 2;

let port: number;
let server: EmbeddedServer | undefined;
let app: ChildProcess | undefined;
let appExited: Promise<number | string> | undefined;
let appLog = "";
let base: string;
let authorization: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const startDatabase = () => startEmbeddedPostgres({ dataDir: DATA_DIR, port, disposable: true });

interface Reply {
  status: number;
  contentType: string;
  body: unknown;
}

async function call(method: string, pathname: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const contentType = res.headers.get("content-type") ?? "";
  const text = await res.text();
  return { status: res.status, contentType, body: contentType.includes("json") ? JSON.parse(text) : text };
}

/** A valid request: staging needs no approval, so the action is QUEUED with its job. */
const requestBody = (incidentId: string) => ({
  incidentId,
  actionType: "restart-service",
  parameters: { service: "checkout" },
  environment: "staging",
  severity: "LOW",
});

const uncaught = () => appLog.split("\n").filter((line) => line.startsWith("uncaught-error "));

beforeAll(async () => {
  port = await freePort();
  server = await startDatabase();
  const url = withDatabase(server.url, "remediation");
  await ensureDatabaseExists(url);
  await migrateDatabase(url);

  app = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: url,
      LOG_LEVEL: "warn",
      REMEDIATION_EXECUTOR: "simulated",
      REMEDIATION_SIMULATED_DELAY_MS: "0",
      REMEDIATION_EXECUTION_HEARTBEAT_SECONDS: "10",
      PGBOSS_SUPERVISE_INTERVAL_SECONDS: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  app.stdout?.on("data", (d: Buffer) => (appLog += d.toString()));
  app.stderr?.on("data", (d: Buffer) => (appLog += d.toString()));
  appExited = new Promise((resolve) => app?.on("exit", (code, signal) => resolve(code ?? signal ?? -1)));
  const appPort = await waitFor(async () => /app-ready (\d+)/.exec(appLog)?.[1], {
    timeoutMs: 60_000,
    intervalMs: 50,
    what: "the app process to listen",
  }).catch((error: Error) => {
    throw new Error(`${error.message}\n${appLog}`);
  });
  base = `http://127.0.0.1:${appPort}`;
  authorization = `Bearer ${await tokenFor(ORG)}`;
}, 120_000);

afterAll(async () => {
  if (app && app.exitCode === null && app.signalCode === null) {
    app.kill("SIGTERM");
    const stopped = await Promise.race([appExited, new Promise((r) => setTimeout(() => r("timeout"), 20_000))]);
    if (stopped === "timeout") app.kill("SIGKILL");
  }
  await server?.stop();
  await rm(DATA_DIR, { recursive: true, force: true });
  await rm(`${DATA_DIR}.lock`, { force: true });
}, 60_000);

/** Requests of every kind, four at a time, until stopped: what a busy app has in flight. */
function keepBusy(incidentId: string) {
  const replies: { what: string; status: number | "no response"; json: boolean; error?: string }[] = [];
  const acknowledged: string[] = [];
  let running = true;
  const one = async (what: string, run: () => Promise<Reply>) => {
    try {
      const reply = await run();
      replies.push({ what, status: reply.status, json: reply.contentType.includes("application/json") });
      if (what === "request" && reply.status === 201) acknowledged.push((reply.body as { id: string }).id);
    } catch (error) {
      // A CSV export cut mid-stream (its 200 was already sent) ends the body early; nothing else may.
      replies.push({ what, status: "no response", json: false, error: String(error) });
    }
  };
  const loop = async () => {
    while (running) {
      await one("request", () => call("POST", "/remediation/request", requestBody(incidentId)));
      await one("list", () => call("GET", "/remediation/actions?limit=50"));
      await one("stats", () => call("GET", "/remediation/stats"));
      await one("export", () => call("GET", "/remediation/export/csv?limit=2000"));
    }
  };
  const loops = Array.from({ length: 4 }, loop);
  return {
    replies,
    acknowledged,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

describe("PostgreSQL restarting under the app", () => {
  it("answers JSON 5xx (health 503) while it is down, recovers without a restart, and nothing goes uncaught", async () => {
    expect((await call("GET", "/health")).status).toBe(200);
    const incident = await call("POST", "/incidents", {
      title: "Checkout errors",
      serviceName: "checkout",
      environment: "staging",
      severity: "HIGH",
    });
    expect(incident.status).toBe(201);
    const incidentId = (incident.body as { id: string }).id;
    const acknowledged: string[] = [];
    const figures: Record<string, unknown>[] = [];

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const busy = keepBusy(incidentId);
      await waitFor(async () => busy.acknowledged.length >= 5, { what: "requests in flight" });

      await server?.stop();
      const health = await call("GET", "/health");
      expect(health).toMatchObject({ status: 503, body: { status: "unavailable" } });
      for (const reply of [
        await call("GET", "/remediation/actions"),
        await call("POST", "/remediation/request", requestBody(incidentId)),
        await call("GET", `/incidents/${incidentId}`),
      ]) {
        expect(reply.status).toBeGreaterThanOrEqual(500);
        expect(reply.contentType).toContain("application/json");
        expect(reply.body).toMatchObject({ statusCode: reply.status, error: expect.any(String) });
      }

      server = await startDatabase();
      const restartedAt = Date.now();
      await waitFor(async () => (await call("GET", "/health")).status === 200, {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: "health to answer 200 again",
      });
      const healthyAfterMs = Date.now() - restartedAt;
      await busy.stop();
      acknowledged.push(...busy.acknowledged);
      const numeric = busy.replies.flatMap((r) => (typeof r.status === "number" ? [r.status] : []));
      figures.push({
        cycle,
        replies: busy.replies.length,
        "2xx": numeric.filter((n) => n < 300).length,
        "5xx": numeric.filter((n) => n >= 500).length,
        "exports cut": busy.replies.filter((r) => r.status === "no response").length,
        healthyAfterMs,
      });

      // Every reply during the cycle was an answer: JSON for every API error, 2xx/5xx only.
      const broken = busy.replies.filter((r) =>
        r.status === "no response"
          ? r.what !== "export"
          : (r.status >= 400 && !r.json) || (r.status >= 400 && r.status < 500),
      );
      expect(broken, appLog).toEqual([]);
      expect(busy.replies.some((r) => typeof r.status === "number" && r.status >= 500)).toBe(true);

      // Requests succeed again without restarting the app.
      expect((await call("GET", "/remediation/actions?limit=5")).status).toBe(200);
      const after = await call("POST", "/remediation/request", requestBody(incidentId));
      expect(after.status).toBe(201);
      acknowledged.push((after.body as { id: string }).id);
    }

    // Every action the app acknowledged (201, QUEUED with its job) is executed, including those
    // whose attempt the outage interrupted (re-delivered once the database is back).
    const statuses = await waitFor(
      async () => {
        const rows = await Promise.all(
          acknowledged.map(async (id) => ((await call("GET", `/remediation/${id}`)).body as { status: string }).status),
        );
        return rows.every((s) => s === "COMPLETED") ? rows : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `${acknowledged.length} acknowledged actions to complete` },
    ).catch(async (error: Error) => {
      const rows = await Promise.all(
        acknowledged.map(async (id) => ((await call("GET", `/remediation/${id}`)).body as { status: string }).status),
      );
      throw new Error(`${error.message}: ${JSON.stringify(rows)}\n${appLog}`);
    });
    expect(statuses.length).toBeGreaterThan(CYCLES * 5);

    console.info("database restarts:", JSON.stringify({ figures, acknowledged: acknowledged.length }));
    expect(uncaught(), appLog).toEqual([]);
    app?.kill("SIGTERM");
    expect(await appExited).toBe(0);
    expect(uncaught(), appLog).toEqual([]);
  }, 240_000);
});
