// The app's server side in a process of its own, for tests that take its database away
// (src/server/db/database-restart.test.ts): the HTTP server scripts/serve.ts runs (REST adapter,
// timeouts), /health and the worker with every job, on DATABASE_URL, without Next (whose catch-all for
// uncaught exceptions is exactly what must not be needed). Every uncaught exception or unhandled
// rejection is written to stdout as one `uncaught-error {…}` line; a listener keeps the process
// alive so the test sees all of them. APP_PROCESS_WORKER=off: no worker, a pure web process (the
// live-stream tests' second web process, src/server/live/live-processes.test.ts).
import type { AddressInfo } from "node:net";
import { disconnectDb } from "@/server/db/client";
import { checkHealth } from "@/server/health";
import { JOBS } from "@/server/job-registry";
import { stopSenderBoss } from "@/server/jobs/boss";
import { startWorker } from "@/server/jobs/worker";
import { createHttpServer } from "@/server/rest/http-server";

function report(kind: string, error: unknown): void {
  const { message, code, stack } = (error ?? {}) as { message?: unknown; code?: unknown; stack?: unknown };
  process.stdout.write(`uncaught-error ${JSON.stringify({ kind, message: String(message ?? error), code, stack })}\n`);
}
process.on("uncaughtException", (error) => report("uncaughtException", error));
process.on("unhandledRejection", (reason) => report("unhandledRejection", reason));

const worker = process.env.APP_PROCESS_WORKER === "off" ? undefined : await startWorker(JOBS);
// What scripts/serve.ts serves (REST fast path, timeouts), with Next's part reduced to /health.
const server = createHttpServer(async (req, res) => {
  if ((req.url ?? "/").split("?", 1)[0] !== "/health") return void res.writeHead(404).end();
  const healthy = await checkHealth();
  res.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
  res.end(JSON.stringify(healthy ? { status: "ok" } : { status: "unavailable" }));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(`app-ready ${(server.address() as AddressInfo).port}\n`);

process.on("SIGTERM", () => {
  server.close();
  server.closeAllConnections();
  Promise.resolve(worker?.stop())
    .then(stopSenderBoss)
    .then(disconnectDb)
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
