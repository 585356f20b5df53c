import { resolveAuditSigningKey } from "@/server/audit/keys";
import { resolveAuthSecret, resolveDatabase } from "@/server/db/bootstrap";
import { createPrismaClient } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { DEMO_PASSWORD, DEMO_USERS } from "@/server/demo/demo-data";
import { seedDemo } from "@/server/demo/seed-demo";
import { env } from "@/server/env";
import { logger } from "@/server/logger";

export interface Runtime {
  databaseUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * What every entry point (npm start, npm run worker) does first: database (embedded when
 * DATABASE_URL is unset), auth secret, migrations, configuration check, demo data.
 */
export async function prepareRuntime({
  seed,
  production,
}: {
  seed: boolean;
  /** The operator declared a production deployment: AUTH_SECRET and AUDIT_SIGNING_KEY are then mandatory (default: NODE_ENV=production). */
  production?: boolean;
}): Promise<Runtime> {
  const database = await resolveDatabase();
  try {
    resolveAuthSecret({ production });
    resolveAuditSigningKey({ production });
    const config = env();
    const { applied } = await migrateDatabase(database.url);
    if (applied.length > 0) logger().info({ applied }, "migrations applied");
    // Demo data by default only into the embedded database (docs/behaviour.md#configuration).
    if (seed && (config.DEMO_SEED ?? database.embedded)) {
      const client = createPrismaClient(database.url, 1);
      try {
        if (await seedDemo(client)) {
          const emails = Object.values(DEMO_USERS).map((u) => u.email);
          logger().info(`demo organization seeded: ${emails.join(" / ")}, password ${DEMO_PASSWORD}`);
        }
      } finally {
        await client.$disconnect();
      }
    }
  } catch (error) {
    await database.stop();
    throw error;
  }
  return { databaseUrl: database.url, embedded: database.embedded, stop: database.stop };
}

/** Runs `stop` once on SIGTERM/SIGINT, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger().info({ signal }, "shutting down");
    stop()
      .catch((err) => logger().error({ err }, "shutdown failed"))
      .finally(() => process.exit(0));
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
