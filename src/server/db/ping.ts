import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "./client";

/** One round trip that touches no table: the health check's "the database answers". */
export async function pingDatabase(q: Queryable): Promise<void> {
  await queryRows(q, Prisma.sql`SELECT 1`);
}
