import { disconnectDb } from "@/server/db/client";
import { JOBS } from "@/server/job-registry";
import { startWorker } from "@/server/jobs/worker";
import { logger } from "@/server/logger";
import { onShutdown, prepareRuntime } from "@/server/runtime";

// `npm run worker`: pg-boss queues and schedules alone, without the web server. Run as many as
// you like against one database; pg-boss hands each job to one of them.
async function main(): Promise<void> {
  const runtime = await prepareRuntime({ seed: false });
  const worker = await startWorker(JOBS);
  onShutdown(async () => {
    await worker.stop();
    await disconnectDb();
    await runtime.stop();
  });
}

main().catch((err) => {
  logger().fatal({ err }, "worker failed to start");
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
