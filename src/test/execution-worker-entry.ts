// A worker process for the execution tests: the remediation-execute worker alone, configured by
// the environment the test passes (DATABASE_URL, executor, short heartbeat/supervise settings).
import { executeJob } from "@/server/execution/jobs";
import { startWorker } from "@/server/jobs/worker";

const worker = await startWorker([executeJob]);
process.stdout.write("worker-ready\n");

process.on("SIGTERM", () => {
  // Graceful: stop fetching, finish in-flight attempts, close the pool, exit 0.
  worker
    .stop()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
