// What the product never does, for tests that need rows in such a state: a dead worker's stale
// row, a status written behind the transitions' back, a row deleted by hand. The test kit's only
// SQL; everything else goes through the stores (src/test/factories.ts).
import { Prisma } from "@/generated/prisma/client";
import type { ActionStatus } from "@/lib/schemas";
import { db } from "@/server/db/client";

const ids = (actionIds: readonly string[]) => Prisma.join(actionIds.map((id) => Prisma.sql`${id}::uuid`));

/** Sets "updatedAt" (an action nobody touched since), e.g. one abandoned by a dead worker an hour ago. */
export async function ageActions(organizationId: string, actionIds: readonly string[], updatedAt: Date): Promise<void> {
  await db().$executeRaw`
    UPDATE remediation_actions SET "updatedAt" = ${updatedAt}
    WHERE "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Writes the status directly, with no transition, event or job (the counters trigger still counts). */
export async function forceActionStatus(
  organizationId: string,
  actionIds: readonly string[],
  status: ActionStatus,
): Promise<void> {
  await db().$executeRaw`
    UPDATE remediation_actions SET status = ${status}::"ActionStatus"
    WHERE "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Deletes the actions by hand (their events go with them, ON DELETE CASCADE). */
export async function deleteActions(organizationId: string, actionIds: readonly string[]): Promise<void> {
  await db().$executeRaw`
    DELETE FROM remediation_actions WHERE "organizationId" = ${organizationId} AND id IN (${ids(actionIds)})`;
}

/** Moves the organization's idempotency keys' expiry to `expiresAt` (a key that outlived its day). */
export async function expireIdempotencyKeys(organizationId: string, expiresAt: Date): Promise<void> {
  await db().$executeRaw`
    UPDATE idempotency_keys SET "expiresAt" = ${expiresAt} WHERE "organizationId" = ${organizationId}`;
}
