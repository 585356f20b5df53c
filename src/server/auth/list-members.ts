import { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listMembers as listStoredMembers } from "@/server/db/stores/memberships";

export const memberSchema = z.object({ userId: z.string(), name: z.string(), email: z.string(), role: z.string() });

/** Bounded: the UI only needs it to put names on `performedBy` and actors. */
const MEMBERS_LIMIT = 500;

/**
 * The organization's members, so the UI shows "Oscar Operator" rather than a user id where an
 * action or event names its actor. Tokens can carry any `sub`; those stay ids.
 */
export async function listMembers({ db, scope }: { db: Db; scope: OrgScope }): Promise<z.infer<typeof memberSchema>[]> {
  return listStoredMembers(db, scope.organizationId, MEMBERS_LIMIT);
}
