import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => ...)`. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

export function createPrismaClient(connectionString: string, max = 10): PrismaClient {
  const adapter = new PrismaPg({ connectionString, max });
  return new PrismaClient({ adapter });
}

const globalForPrisma = globalThis as unknown as { __rccPrisma?: PrismaClient };

/**
 * The process-wide client. DATABASE_URL is always set by the time app code runs: the start
 * script, the worker and the test setup resolve it first (embedded PostgreSQL when unset).
 */
export function db(): PrismaClient {
  if (!globalForPrisma.__rccPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set (start through npm start / npm run worker)");
    globalForPrisma.__rccPrisma = createPrismaClient(url, Number(process.env.DATABASE_POOL_SIZE ?? 10));
  }
  return globalForPrisma.__rccPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = globalForPrisma.__rccPrisma;
  globalForPrisma.__rccPrisma = undefined;
  await client?.$disconnect();
}
