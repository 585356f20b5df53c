import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { deleteExpiredActionsBatch } from "@/server/db/stores/actions";
import { ensureReportingSettings } from "./get-reporting-settings";
import type { RetentionResult } from "./schemas";

export const DAY_MS = 86_400_000;
/**
 * Rows per DELETE statement: each batch is its own short transaction (its rows locked for a
 * few hundred milliseconds; MVCC readers never wait on them). 20,000 rather than 5,000: a
 * fifth less CPU per row, fewer statements (docs/adr/0012-retention-batches-in-memory.md).
 */
const RETENTION_BATCH_SIZE = 20_000;

export interface RetentionOptions {
  batchSize?: number;
  /** Called after every DELETE statement (scripts/measure-retention.ts times them). */
  onBatch?: (batch: { deleted: number; ms: number }) => void;
}

/**
 * Deletes the organization's terminal actions (COMPLETED, FAILED, REJECTED) created before
 * `cutoff`, oldest first, in bounded batches of every terminal status (docs/behaviour.md#retention,
 * docs/adr/0024-retention-batches-across-statuses.md); their events go with them and remediation_counters stays
 * exact. Operators' reads never wait (row locks do not block MVCC reads); pending, queued and
 * executing rows are never touched.
 */
async function deleteExpiredActions(
  db: Db,
  scope: OrgScope,
  cutoff: Date,
  { batchSize = RETENTION_BATCH_SIZE, onBatch }: RetentionOptions = {},
): Promise<number> {
  let deleted = 0;
  // Each batch starts where the previous one ended (the store's keyset).
  let from: Date | null = null;
  for (;;) {
    const started = performance.now();
    const batch = await deleteExpiredActionsBatch(db, scope.organizationId, { cutoff, batchSize, from });
    onBatch?.({ deleted: batch.deleted, ms: performance.now() - started });
    deleted += batch.deleted;
    if (batch.deleted < batchSize) return deleted;
    from = batch.reached;
  }
}

/** POST /remediation/reporting/enforce-retention: cutoff = now − retentionDays days (docs/behaviour.md#retention). */
export async function enforceRetention(
  { db, scope }: { db: Db; scope: OrgScope },
  options: RetentionOptions & { now?: Date } = {},
): Promise<RetentionResult> {
  const settings = await ensureReportingSettings(db, scope);
  const cutoff = new Date((options.now ?? new Date()).getTime() - settings.retentionDays * DAY_MS);
  const deletedCount = await deleteExpiredActions(db, scope, cutoff, options);
  return { organizationId: scope.organizationId, retentionDays: settings.retentionDays, cutoff, deletedCount };
}
