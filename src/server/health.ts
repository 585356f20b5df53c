import { db } from "@/server/db/client";
import { pingDatabase } from "@/server/db/ping";

/** The database answers within 2 s. */
export async function checkHealth(): Promise<boolean> {
  try {
    await Promise.race([
      pingDatabase(db()),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref()),
    ]);
    return true;
  } catch {
    return false;
  }
}
