import { Prisma } from "@/generated/prisma/client";
import { execute, type Queryable, queryRows, transaction } from "../../client";
import { ALLOW_EVENT_PRUNING } from "../events";
import { TERMINAL_STATUS_LIST } from "./row";

export interface RetentionBatch {
  deleted: number;
  /** The newest `createdAt` the batch deleted: where the next batch of the same status starts. */
  reached: Date | null;
}

/**
 * One retention batch (docs/adr/0004-ctid-retention.md), its own short transaction unless given one: deletes up to `batchSize` of the
 * organization's terminal actions (COMPLETED, FAILED, REJECTED) created before `cutoff` (and at
 * or after `from`, where the previous batch ended), oldest first, whatever their status; their
 * events and votes go with them (the actions' statement delete trigger,
 * docs/adr/0011-set-based-child-deletes.md) and the statement-level trigger keeps
 * remediation_counters exact. All terminal statuses in one statement, walked in `createdAt`
 * order along (organizationId, createdAt): the rows of a batch are neighbours in the heap and
 * so are their events, where one status at a time picked a few rows from every page
 * (docs/adr/0024-retention-batches-across-statuses.md). The in-flight rows met on the way are
 * passed over by the status filter, never locked. `from` keeps that scan from walking over
 * the index entries of the rows earlier batches deleted: PostgreSQL only skips such entries once
 * every snapshot in the cluster is newer than the delete, so one long transaction anywhere (a
 * backup, an export) made each batch re-read all the earlier ones' rows (ADR 0004's "Keyset").
 * `>=`: rows sharing the boundary's millisecond are found again (the deleted ones are skipped).
 * SKIP LOCKED: a concurrent purge of the same organization takes other rows instead of waiting.
 * Rows are deleted by the ctid the same statement locked (a TID scan, no second primary-key
 * lookup per row); terminal rows are never updated, so it stays valid. The only statement
 * allowed to delete events: their sealed ones leave stubs (docs/audit.md#pruning).
 */
export async function deleteExpiredActionsBatch(
  q: Queryable,
  organizationId: string,
  input: RetentionBatchInput,
): Promise<RetentionBatch> {
  if (!("client" in q)) return transaction(q, (tx) => deleteExpiredActionsBatch(tx, organizationId, input));
  await execute(q, BATCH_WORK_MEM);
  const [row] = await queryRows<RetentionBatch>(q, expiredActionsBatchQuery(organizationId, input));
  return row ?? { deleted: 0, reached: null };
}

/**
 * The batch's own transaction gets room for its transition tables (docs/adr/0012-retention-batches-in-memory.md):
 * the delete triggers read the deleted actions and events from tuplestores sized by work_mem
 * (default 4 MB, about 5,000 action rows), which otherwise spill to temporary files and are
 * read back from them by every child delete, the counters and the stubs. `SET LOCAL` ends with
 * the batch; it has to come before the statement, whose executor creates the tuplestores.
 */
const BATCH_WORK_MEM = Prisma.sql`SET LOCAL work_mem = '64MB'`;

export interface RetentionBatchInput {
  cutoff: Date;
  batchSize: number;
  from?: Date | null;
}

/** The batch's statement (exported for its plan test). */
export function expiredActionsBatchQuery(organizationId: string, input: RetentionBatchInput): Prisma.Sql {
  const from = input.from ? Prisma.sql`AND "createdAt" >= ${input.from}::timestamptz` : Prisma.empty;
  return Prisma.sql`
    WITH gone AS (
      DELETE FROM "remediation_actions"
      WHERE ${ALLOW_EVENT_PRUNING} AND ctid = ANY(ARRAY(
        SELECT ctid FROM "remediation_actions"
        WHERE "organizationId" = ${organizationId}
          AND "status" IN (${TERMINAL_STATUS_LIST})
          AND "createdAt" < ${input.cutoff}::timestamptz ${from}
        ORDER BY "createdAt"
        LIMIT ${input.batchSize}
        FOR UPDATE SKIP LOCKED
      ))
      RETURNING "createdAt"
    )
    SELECT count(*)::int AS deleted, max("createdAt") AS reached FROM gone`;
}
