import { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";

export const memberSchema = z.object({ userId: z.string(), name: z.string(), email: z.string(), role: z.string() });

/** Bounded: the UI only needs it to put names on `performedBy` and actors. */
export const MEMBERS_LIMIT = 500;

/**
 * The organization's members, so the UI shows "Oscar Operator" rather than a user id where an
 * action or event names its actor. Tokens can carry any `sub`; those stay ids.
 */
export async function listMembers({ db, scope }: { db: Db; scope: OrgScope }): Promise<z.infer<typeof memberSchema>[]> {
  const rows = await db.membership.findMany({
    where: scope.where({}),
    orderBy: [{ createdAt: "asc" }, { userId: "asc" }],
    take: MEMBERS_LIMIT,
    select: { userId: true, role: true, user: { select: { name: true, email: true } } },
  });
  return rows.map((r) => ({ userId: r.userId, role: r.role, name: r.user.name, email: r.user.email }));
}
