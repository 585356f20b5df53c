import { randomUUID } from "node:crypto";
import { type Db, db } from "@/server/db/client";

/** The app's Prisma client, bound to this test file's own database (see src/test/setup.ts). */
export function testDb(): Db {
  return db();
}

/** A fresh organization per test keeps tests independent inside the file's shared database. */
export async function createTestOrganization(prefix = "org"): Promise<string> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  await db().organization.create({ data: { id, name: `Test ${id}` } });
  return id;
}
