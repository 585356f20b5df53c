import type { Job, PgBoss, Queue } from "pg-boss";
import { logger } from "@/server/logger";
import { createBoss } from "./boss";
import type { JobDefinition } from "./definition";

/** A job definition of any payload type: the worker validates each payload with the job's schema. */
// biome-ignore lint/suspicious/noExplicitAny: payload types differ per job and are checked at runtime
export type AnyJobDefinition = JobDefinition<any>;

export interface RunningWorker {
  boss: PgBoss;
  stop(): Promise<void>;
}

async function register(boss: PgBoss, job: AnyJobDefinition): Promise<void> {
  const options = job.queue ?? {};
  await boss.createQueue(job.name, options);
  await applyQueueOptions(boss, job.name, options);
  await boss.work(job.name, job.work ?? {}, async (jobs) => {
    // A malformed payload fails its own job only; the rest of the batch runs.
    const valid: Job<unknown>[] = [];
    for (const j of jobs) {
      const parsed = job.payload.safeParse(j.data ?? {});
      if (parsed.success) valid.push({ ...j, data: parsed.data });
      else {
        logger().error({ queue: job.name, jobId: j.id, issues: parsed.error.issues }, "job payload rejected");
        await boss.fail(job.name, { id: j.id, retryCount: j.retryCount }, { message: "invalid payload" });
      }
    }
    if (valid.length > 0) await job.handle(valid, boss);
  });
  if (job.cron) await boss.schedule(job.name, job.cron, {}, { tz: "UTC" });
}

/**
 * createQueue leaves an existing queue as it is; the code's options (expiry, heartbeat, retries)
 * are applied on every worker start so a deployment that changes them takes effect. The policy
 * cannot change after creation: a mismatch is reported, not silently ignored.
 */
async function applyQueueOptions(boss: PgBoss, name: string, options: Omit<Queue, "name">): Promise<void> {
  const { policy, partition: _partition, ...updatable } = options;
  const existing = await boss.getQueue(name);
  if (existing && policy && existing.policy !== policy) {
    logger().error(
      { queue: name, expected: policy, actual: existing.policy },
      "queue policy differs from the code's; delete the queue (with its jobs drained) to recreate it",
    );
  }
  if (Object.keys(updatable).length > 0) await boss.updateQueue(name, updatable);
}

/**
 * Starts pg-boss as a worker: queues, handlers and schedules of the given jobs
 * (src/server/job-registry.ts). `superviseIntervalSeconds`: default PGBOSS_SUPERVISE_INTERVAL_SECONDS.
 */
export async function startWorker(
  jobs: readonly AnyJobDefinition[],
  options: { superviseIntervalSeconds?: number } = {},
): Promise<RunningWorker> {
  const boss = createBoss({ worker: true, superviseIntervalSeconds: options.superviseIntervalSeconds });
  await boss.start();
  for (const job of jobs) await register(boss, job);
  for (const job of jobs) await job.onWorkerStart?.();
  const services = jobs.flatMap((job) => (job.service ? [job.service()] : []));
  await Promise.all(services.map((s) => s.ready));
  logger().info({ queues: jobs.map((j) => j.name) }, "worker started");
  let stopping: Promise<void> | undefined;
  return {
    boss,
    stop() {
      // Graceful: stop the services, stop fetching, let in-flight handlers finish (up to 30 s),
      // then close the pool.
      stopping ??= Promise.allSettled(services.map((s) => s.stop())).then(() =>
        boss.stop({ graceful: true, close: true, timeout: 30_000 }),
      );
      return stopping;
    },
  };
}
