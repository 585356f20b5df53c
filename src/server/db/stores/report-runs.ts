import { Prisma } from "@/generated/prisma/client";
import type { ReportCadence } from "@/lib/reporting-settings";
import { type Queryable, queryRows } from "../client";
import { newIdSql } from "../ids";
import { isUuid } from "../scoped";

/**
 * The report_runs store: one row per report run, inserted `running` and finished `success` or
 * `failed` (docs/data-model.md#report_runs, docs/behaviour.md#reporting).
 */

export type ReportTrigger = "schedule" | "manual" | "retry";
export type ReportRunStatus = "running" | "success" | "failed";

/** What a report states about its period (docs/behaviour.md#reporting), as its run row keeps it. */
export interface ReportFigures {
  totalActions: number;
  failedActions: number;
  pendingApprovals: number;
  queuedExecutions: number;
  /** docs/behaviour.md#override-review: overrides made in the period, reviews open now, flagged in the period. */
  overridesInPeriod: number;
  overrideReviewsPending: number;
  overrideReviewsFlagged: number;
}

export interface ReportRunRecord extends ReportFigures {
  id: string;
  organizationId: string;
  cadence: ReportCadence;
  trigger: ReportTrigger;
  retryOfRunId: string | null;
  scheduleSlot: string | null;
  recipients: string[];
  deliveredCount: number;
  failedDeliveryCount: number;
  /** jsonb as stored: `{ recipient, error }[]` when written by this store. */
  deliveryFailures: unknown;
  deletedCount: number;
  status: ReportRunStatus;
  error: string | null;
  periodStart: Date;
  periodEnd: Date;
  startedAt: Date;
  completedAt: Date | null;
}

const RUN_COLUMNS = Prisma.sql`
  id, "organizationId", cadence::text AS cadence, trigger::text AS trigger, "retryOfRunId", "scheduleSlot",
  recipients, "deliveredCount", "failedDeliveryCount", "deliveryFailures", "deletedCount", "totalActions",
  "failedActions", "pendingApprovals", "queuedExecutions", "overridesInPeriod", "overrideReviewsPending",
  "overrideReviewsFlagged", status::text AS status, error,
  "periodStart", "periodEnd", "startedAt", "completedAt"`;

export interface NewReportRun {
  cadence: ReportCadence;
  trigger: ReportTrigger;
  retryOfRunId: string | null;
  /** Scheduled runs only: the period's claim, unique per organization. */
  scheduleSlot: string | null;
  recipients: string[];
  periodStart: Date;
  periodEnd: Date;
}

/**
 * Inserts a `running` run. ON CONFLICT DO NOTHING: a scheduled period already claimed by another
 * worker (same scheduleSlot) gives undefined instead of a second run.
 */
export async function insertReportRun(
  q: Queryable,
  organizationId: string,
  run: NewReportRun,
): Promise<ReportRunRecord | undefined> {
  const [row] = await queryRows<ReportRunRecord>(
    q,
    Prisma.sql`
    INSERT INTO report_runs (id, "organizationId", cadence, trigger, "retryOfRunId", "scheduleSlot", recipients,
                             "periodStart", "periodEnd", status)
    VALUES (${newIdSql()}, ${organizationId}, ${run.cadence}::"ReportCadence", ${run.trigger}::"ReportTrigger",
            ${run.retryOfRunId}::uuid, ${run.scheduleSlot}::text, ${run.recipients}::text[],
            ${run.periodStart}::timestamptz, ${run.periodEnd}::timestamptz, 'running')
    ON CONFLICT DO NOTHING
    RETURNING ${RUN_COLUMNS}`,
  );
  return row;
}

/** The figures a run reports and how many actions its retention deleted. */
export async function recordReportFigures(
  q: Queryable,
  organizationId: string,
  runId: string,
  figures: ReportFigures & { deletedCount: number },
): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    UPDATE report_runs
    SET "totalActions" = ${figures.totalActions}::int, "failedActions" = ${figures.failedActions}::int,
        "pendingApprovals" = ${figures.pendingApprovals}::int, "queuedExecutions" = ${figures.queuedExecutions}::int,
        "overridesInPeriod" = ${figures.overridesInPeriod}::int,
        "overrideReviewsPending" = ${figures.overrideReviewsPending}::int,
        "overrideReviewsFlagged" = ${figures.overrideReviewsFlagged}::int,
        "deletedCount" = ${figures.deletedCount}::int
    WHERE id = ${runId}::uuid AND "organizationId" = ${organizationId}`,
  );
}

/** Finishes a run with its delivery outcome; returns the finished row. */
export async function finishReportRun(
  q: Queryable,
  organizationId: string,
  runId: string,
  outcome: {
    status: "success" | "failed";
    error: string | null;
    deliveredCount: number;
    failedDeliveryCount: number;
    deliveryFailures: { recipient: string; error: string }[];
    completedAt: Date;
  },
): Promise<ReportRunRecord> {
  const [row] = await queryRows<ReportRunRecord>(
    q,
    Prisma.sql`
    UPDATE report_runs
    SET status = ${outcome.status}::"ReportRunStatus", error = ${outcome.error}::text,
        "deliveredCount" = ${outcome.deliveredCount}::int, "failedDeliveryCount" = ${outcome.failedDeliveryCount}::int,
        "deliveryFailures" = ${JSON.stringify(outcome.deliveryFailures)}::jsonb,
        "completedAt" = ${outcome.completedAt}::timestamptz
    WHERE id = ${runId}::uuid AND "organizationId" = ${organizationId}
    RETURNING ${RUN_COLUMNS}`,
  );
  if (!row) throw new Error(`report run ${runId} does not exist`);
  return row;
}

/** One run of the organization, or undefined (unknown, malformed or foreign id alike). */
export async function findReportRun(
  q: Queryable,
  organizationId: string,
  id: string,
): Promise<ReportRunRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryRows<ReportRunRecord>(
    q,
    Prisma.sql`SELECT ${RUN_COLUMNS} FROM report_runs WHERE id = ${id}::uuid AND "organizationId" = ${organizationId}`,
  );
  return row;
}

export interface ReportRunFilters {
  status?: ReportRunStatus | undefined;
  /** Inclusive bounds of startedAt. */
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

/** Newest first (startedAt desc, id desc): a range of the (organizationId, startedAt, id) index. */
export async function listReportRuns(
  q: Queryable,
  organizationId: string,
  filters: ReportRunFilters,
): Promise<ReportRunRecord[]> {
  const conditions = [Prisma.sql`"organizationId" = ${organizationId}`];
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"ReportRunStatus"`);
  if (filters.from) conditions.push(Prisma.sql`"startedAt" >= ${filters.from}::timestamptz`);
  if (filters.to) conditions.push(Prisma.sql`"startedAt" <= ${filters.to}::timestamptz`);
  return queryRows<ReportRunRecord>(
    q,
    Prisma.sql`
    SELECT ${RUN_COLUMNS} FROM report_runs
    WHERE ${Prisma.join(conditions, " AND ")}
    ORDER BY "startedAt" DESC, id DESC
    LIMIT ${filters.limit}`,
  );
}

/**
 * Across organizations on purpose: runs left `running` by a dead process have no caller to
 * finish them. Fails every run started before `startedBefore` that is still running (the
 * (status, startedAt) index) and returns what the caller needs to move schedules on.
 */
export async function acrossOrganizationsFailStaleRuns(
  q: Queryable,
  input: { startedBefore: Date; error: string; completedAt: Date },
): Promise<{ organizationId: string; trigger: ReportTrigger; periodEnd: Date }[]> {
  return queryRows(
    q,
    Prisma.sql`
    UPDATE report_runs
    SET status = 'failed', error = ${input.error}::text, "completedAt" = ${input.completedAt}::timestamptz
    WHERE status = 'running' AND "startedAt" < ${input.startedBefore}::timestamptz
    RETURNING "organizationId", trigger::text AS trigger, "periodEnd"`,
  );
}
