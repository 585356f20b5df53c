import { writeFileSync } from "node:fs";
import { EXECUTE_WORK } from "@/server/execution/jobs";
import { executeQueueOptions } from "@/server/execution/queue";
import { createBoss } from "@/server/jobs/boss";

/**
 * P5's baseline worker (phases/execution-baseline.ts): bare pg-boss as the product's worker
 * process runs it — the same instance options (createBoss), the execution queue's options and
 * the same work options (batch size, fetch loops, polling, burst) — working the jobs of
 * `BENCH_NOOP_QUEUE` with a handler that does nothing but note, per job, the sender's clock
 * before its `send` (`sentAt` in the job's data) and its own clock on entering the handler.
 * Those pairs are written to `BENCH_NOOP_TIMES_FILE` ("sentAt handledAt" per line, ms) when the
 * process is stopped: no write per job, so the baseline does no work the measurement adds.
 * Started with the bench's environment. One difference: pg-boss's own NOTIFY stays on (below).
 */
const queue = process.env.BENCH_NOOP_QUEUE;
const timesFile = process.env.BENCH_NOOP_TIMES_FILE;
if (!queue || !timesFile) throw new Error("BENCH_NOOP_QUEUE and BENCH_NOOP_TIMES_FILE must be set");
const handled: string[] = [];
const boss = createBoss({ worker: true });
await boss.start();
// pg-boss's own wake-up: its NOTIFY inside each send (the product's queue sends it after commit
// instead, docs/adr/0019-execution-wake-after-commit.md); bare pg-boss is measured as it ships.
await boss.createQueue(queue, { ...executeQueueOptions(), notify: true });
await boss.work<{ sentAt?: number }>(queue, EXECUTE_WORK, async (jobs) => {
  const at = Date.now();
  for (const job of jobs) if (typeof job.data.sentAt === "number") handled.push(`${job.data.sentAt} ${at}`);
});
console.log("noop worker ready");
process.once("SIGTERM", () => {
  boss.stop({ graceful: true, close: true, timeout: 30_000 }).then(() => {
    writeFileSync(timesFile, handled.join("\n"));
    process.exit(0);
  });
});
