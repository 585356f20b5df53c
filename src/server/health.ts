import { db } from "@/server/db/client";

/** The database answers within 2 s. */
export async function checkHealth(): Promise<boolean> {
  try {
    await Promise.race([
      db().$queryRaw`SELECT 1`,
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
