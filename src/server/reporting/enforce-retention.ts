import { TERMINAL_STATUSES } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { ensureReportingSettings } from "./get-reporting-settings";
import type { RetentionResult } from "./schemas";

export const DAY_MS = 86_400_000;
/** Rows per DELETE statement: each batch is its own short transaction (locks held milliseconds). */
export const RETENTION_BATCH_SIZE = 5_000;

export interface RetentionOptions {
  batchSize?: number;
  /** Called after every DELETE statement (scripts/measure-retention.ts times them). */
  onBatch?: (batch: { status: string; deleted: number; ms: number }) => void;
}

/**
 * Deletes the organization's terminal actions (COMPLETED, FAILED, REJECTED) created before
 * `cutoff`, oldest first, in bounded batches; their events go with them (ON DELETE CASCADE) and
 * the statement-level trigger keeps remediation_counters exact. One status at a time so each
 * batch is a short range scan of (organizationId, status, createdAt). SKIP LOCKED: a concurrent
 * purge of the same organization takes other rows instead of waiting; operators' reads never
 * wait (row locks do not block MVCC reads). Pending, queued and executing rows are never touched.
 * Rows are deleted by the ctid the same statement locked (a TID scan, no second primary-key
 * lookup per row: 1.5× faster measured); terminal rows are never updated, so it stays valid.
 */
export async function deleteExpiredActions(
  db: Db,
  scope: OrgScope,
  cutoff: Date,
  { batchSize = RETENTION_BATCH_SIZE, onBatch }: RetentionOptions = {},
): Promise<number> {
  let deleted = 0;
  for (const status of TERMINAL_STATUSES) {
    for (;;) {
      const started = performance.now();
      const count = await db.$executeRaw`
        DELETE FROM "remediation_actions"
        WHERE ctid = ANY(ARRAY(
          SELECT ctid FROM "remediation_actions"
          WHERE "organizationId" = ${scope.organizationId}
            AND "status" = ${status}::"ActionStatus"
            AND "createdAt" < ${cutoff}
          ORDER BY "createdAt"
          LIMIT ${batchSize}
          FOR UPDATE SKIP LOCKED
        ))`;
      onBatch?.({ status, deleted: count, ms: performance.now() - started });
      deleted += count;
      if (count < batchSize) break;
    }
  }
  return deleted;
}

/** POST /remediation/reporting/enforce-retention: cutoff = now − retentionDays days (§9). */
export async function enforceRetention(
  { db, scope }: { db: Db; scope: OrgScope },
  options: RetentionOptions & { now?: Date } = {},
): Promise<RetentionResult> {
  const settings = await ensureReportingSettings(db, scope);
  const cutoff = new Date((options.now ?? new Date()).getTime() - settings.retentionDays * DAY_MS);
  const deletedCount = await deleteExpiredActions(db, scope, cutoff, options);
  return { organizationId: scope.organizationId, retentionDays: settings.retentionDays, cutoff, deletedCount };
}
