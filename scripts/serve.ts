import next from "next";
import { disconnectDb } from "@/server/db/client";
import { env } from "@/server/env";
import { JOBS } from "@/server/job-registry";
import { stopSenderBoss } from "@/server/jobs/boss";
import { startWorker } from "@/server/jobs/worker";
import { logger } from "@/server/logger";
import { createHttpServer, DEFAULT_HTTP_TIMEOUTS } from "@/server/rest/http-server";
import { onShutdown, prepareRuntime, type Runtime } from "@/server/runtime";
import { buildApp } from "./build";
import { buildIsCurrent } from "./build-stamp";

// What `npm start` runs (through scripts/start.ts): database (embedded when DATABASE_URL is
// unset) → migrations → demo data → production build when missing or stale → Next.js on PORT,
// with the worker in-process unless RUN_WORKER=false. One process: SIGTERM stops it all in order.
export async function serve({ declaredProduction }: { declaredProduction: boolean }): Promise<void> {
  const runtime = await prepareRuntime({ seed: true, production: declaredProduction });
  try {
    await listen(runtime);
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

async function listen(runtime: Runtime): Promise<void> {
  const config = env();

  if (!buildIsCurrent()) {
    logger().info("building the app (first start or sources changed)…");
    buildApp();
  }

  const worker = config.RUN_WORKER ? await startWorker(JOBS) : undefined;
  const app = next({ dev: false, dir: process.cwd(), hostname: "127.0.0.1", port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  // REST fast path, then Next; timeouts against slow clients (README "Failure behaviour").
  const server = createHttpServer(handle, {
    ...DEFAULT_HTTP_TIMEOUTS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  logger().info({ url: `http://localhost:${config.PORT}`, embeddedDatabase: runtime.embedded }, "ready");
  console.log(`Remediation Control Center ready on http://localhost:${config.PORT}`);

  onShutdown(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await worker?.stop();
    await app.close();
    // The request path's job sender and the database pool end before the database does, so an
    // embedded PostgreSQL stopping does not surface as "terminating connection" errors.
    await stopSenderBoss();
    await disconnectDb();
    await runtime.stop();
  });
}
