import { PgBoss } from "pg-boss";
import { isConnectionError } from "@/server/db/client";
import { PreparingClient } from "@/server/db/preparing-client";
import { env } from "@/server/env";
import { logger } from "@/server/logger";

/**
 * pg-boss hands its constructor options to its `pg.Pool`, and a pool makes its connections with
 * the `Client` class it is given: pg-boss's fetch and completion statements run prepared
 * (docs/adr/0026-prepared-statements-on-the-execution-path.md). Not a pg-boss option, so it is
 * not in its types; `preparing-client.test.ts` fails if pg-boss stops passing it on.
 */
const preparingPool = { Client: PreparingClient } as object;

/**
 * A pg-boss instance on DATABASE_URL. `worker: true` supervises and runs schedules (npm run worker,
 * or the web process when RUN_WORKER is true); the web side only sends jobs.
 * `superviseIntervalSeconds` defaults to PGBOSS_SUPERVISE_INTERVAL_SECONDS.
 */
export function createBoss({
  worker,
  superviseIntervalSeconds,
}: {
  worker: boolean;
  superviseIntervalSeconds?: number | undefined;
}): PgBoss {
  const connectionString = env().DATABASE_URL;
  if (!connectionString) throw new Error("DATABASE_URL is not set");
  const supervise = superviseIntervalSeconds ?? env().PGBOSS_SUPERVISE_INTERVAL_SECONDS;
  const boss = new PgBoss({
    ...preparingPool,
    connectionString,
    max: worker ? 6 : 3,
    supervise: worker,
    schedule: worker,
    // Workers wake the moment a job is created instead of waiting for the next poll (docs/behaviour.md#execution).
    useListenNotify: worker,
    application_name: worker ? "rcc-worker" : "rcc-web",
    // Expired jobs (a dead worker's, found by their stale heartbeat) are only looked for on a
    // supervise pass that is also a monitor pass; pg-boss's 60 s default would add up to a minute.
    ...(worker ? { superviseIntervalSeconds: supervise, monitorIntervalSeconds: supervise } : {}),
  });
  // pg-boss reports every failure of its own work (fetch loops, supervision, LISTEN, pool) here
  // instead of throwing; without a listener an 'error' event would end the process.
  boss.on("error", reportBossError());
  boss.on("warning", (warning) => logger().warn({ warning }, "pg-boss warning"));
  return boss;
}

/**
 * While the database is unreachable every fetch loop, supervise pass and LISTEN reconnect
 * fails: those are one warning per 10 s (with how many were folded in), and pg-boss resumes on
 * its own when the server is back (docs/behaviour.md#recovery). Any other error is an error.
 */
function reportBossError(quietMs = 10_000): (err: unknown) => void {
  let lastWarnedAt = 0;
  let folded = 0;
  return (err) => {
    if (!isConnectionError(err)) {
      logger().error({ err }, "pg-boss error");
      return;
    }
    const now = Date.now();
    if (now - lastWarnedAt < quietMs) {
      folded++;
      return;
    }
    logger().warn({ err, alsoSince: folded }, "pg-boss: database unavailable; retrying");
    lastWarnedAt = now;
    folded = 0;
  };
}

const globalForBoss = globalThis as unknown as { __rccSender?: Promise<PgBoss> };

/** The process's sending instance, started once on first use. */
export function senderBoss(): Promise<PgBoss> {
  globalForBoss.__rccSender ??= (async () => {
    const boss = createBoss({ worker: false });
    await boss.start();
    return boss;
  })().catch((err) => {
    globalForBoss.__rccSender = undefined;
    throw err;
  });
  return globalForBoss.__rccSender;
}

export async function stopSenderBoss(): Promise<void> {
  const pending = globalForBoss.__rccSender;
  globalForBoss.__rccSender = undefined;
  if (pending) await (await pending).stop({ graceful: false, close: true }).catch(() => undefined);
}
