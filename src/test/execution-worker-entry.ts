// A worker process for the tests: the jobs named on the command line (their names in
// src/server/job-registry.ts; none: remediation-execute alone), configured by the environment
// the test passes (DATABASE_URL, executor, short heartbeat/supervise settings).
// A line `run <id> <job>` on stdin runs that job's handler once now, as a delivery by pg-boss
// would (how a test makes two processes run a schedule at the same moment), and answers
// `ran <id>` or `run-failed <id> <message>` on stdout.
import { createInterface } from "node:readline";
import { executeJob } from "@/server/execution/jobs";
import { JOBS } from "@/server/job-registry";
import { type AnyJobDefinition, startWorker } from "@/server/jobs/worker";

function job(name: string): AnyJobDefinition {
  const found = JOBS.find((j) => j.name === name);
  if (!found) throw new Error(`no job named ${name} in JOBS (${JOBS.map((j) => j.name).join(", ")})`);
  return found;
}

const names = process.argv.slice(2);
const worker = await startWorker(names.length === 0 ? [executeJob] : names.map(job));
process.stdout.write("worker-ready\n");

createInterface({ input: process.stdin }).on("line", (line) => {
  const [command, id, name] = line.trim().split(/\s+/);
  if (command !== "run" || !id || !name) return;
  Promise.resolve()
    .then(() => job(name).handle([], worker.boss))
    .then(
      () => process.stdout.write(`ran ${id}\n`),
      (err: unknown) => process.stdout.write(`run-failed ${id} ${err instanceof Error ? err.message : String(err)}\n`),
    );
});

process.on("SIGTERM", () => {
  // Graceful: stop fetching, finish in-flight attempts, close the pool, exit 0.
  worker
    .stop()
    .then(() => process.exit(0))
    .catch(() => process.exit(1));
});
