import { Prisma } from "@/generated/prisma/client";
import type { ActionStatus } from "@/lib/schemas";
import { execute, type Queryable } from "../../client";
import { ALLOW_EVENT_PRUNING } from "../events";

/**
 * One retention batch (docs/adr/0004-ctid-retention.md): deletes up to `batchSize` of the
 * organization's actions in `status` created before `cutoff`, oldest first; their events and votes go
 * with them (the actions' statement delete trigger, docs/adr/0011-set-based-child-deletes.md) and the statement-level trigger keeps remediation_counters exact. One
 * status per statement so each batch is a short range scan of (organizationId, status,
 * createdAt). SKIP LOCKED: a concurrent purge of the same organization takes other rows instead
 * of waiting. Rows are deleted by the ctid the same statement locked (a TID scan, no second
 * primary-key lookup per row); terminal rows are never updated, so it stays valid. The only
 * statement allowed to delete events: their sealed ones leave stubs (docs/audit.md#pruning).
 */
export function deleteExpiredActionsBatch(
  q: Queryable,
  organizationId: string,
  input: { status: ActionStatus; cutoff: Date; batchSize: number },
): Promise<number> {
  return execute(
    q,
    Prisma.sql`
    DELETE FROM "remediation_actions"
    WHERE ${ALLOW_EVENT_PRUNING} AND ctid = ANY(ARRAY(
      SELECT ctid FROM "remediation_actions"
      WHERE "organizationId" = ${organizationId}
        AND "status" = ${input.status}::"ActionStatus"
        AND "createdAt" < ${input.cutoff}::timestamptz
      ORDER BY "createdAt"
      LIMIT ${input.batchSize}
      FOR UPDATE SKIP LOCKED
    ))`,
  );
}
