import { EXECUTE_WORK } from "@/server/execution/jobs";
import { executeQueueOptions } from "@/server/execution/queue";
import { createBoss } from "@/server/jobs/boss";

/**
 * P5's baseline worker (phases/execution-baseline.ts): bare pg-boss as the product's worker
 * process runs it — the same instance options (createBoss), the execution queue's options and
 * the same work options (batch size, fetch loops, polling, burst) — working the jobs of
 * `BENCH_NOOP_QUEUE` with a handler that does nothing. Started with the bench's environment.
 * One difference: pg-boss's own NOTIFY stays on (below).
 */
const queue = process.env.BENCH_NOOP_QUEUE;
if (!queue) throw new Error("BENCH_NOOP_QUEUE is not set");
const boss = createBoss({ worker: true });
await boss.start();
// pg-boss's own wake-up: its NOTIFY inside each send (the product's queue sends it after commit
// instead, docs/adr/0019-execution-wake-after-commit.md); bare pg-boss is measured as it ships.
await boss.createQueue(queue, { ...executeQueueOptions(), notify: true });
await boss.work(queue, EXECUTE_WORK, async () => {});
console.log("noop worker ready");
process.once("SIGTERM", () => {
  boss.stop({ graceful: true, close: true, timeout: 30_000 }).then(() => process.exit(0));
});
