import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";
import { ACTION_COLUMNS, type ActionRecord, type RawActionRow, toAction } from "./actions/row";
import { insertEventsForMovedRows, SYSTEM_ACTOR } from "./events";

/**
 * The override_reviews store (docs/data-model.md#override_reviews): one row per OVERRIDDEN
 * action, opened by the statement of that transition, closed once by a reviewer, marked once when
 * it went overdue. The row is the index (lists, counts, the overdue scan); the action carries the
 * same review as `details.overrideReview`, written by the same statements
 * (docs/behaviour.md#override-review).
 */

export type OverrideReviewStatus = "PENDING" | "ACCEPTED" | "FLAGGED";
export type OverrideReviewOutcome = Exclude<OverrideReviewStatus, "PENDING">;
/** A list filter: a stored status, or OVERDUE = still PENDING past `dueAt`. */
export type OverrideReviewFilter = OverrideReviewStatus | "OVERDUE";

export interface OverrideReviewRecord {
  actionId: string;
  overriddenBy: string;
  overriddenAt: Date;
  dueAt: Date;
  status: OverrideReviewStatus;
  reviewer: string | null;
  note: string | null;
  reviewedAt: Date | null;
  overdueNotedAt: Date | null;
}

const REVIEW_COLUMNS = Prisma.sql`
  "actionId", "overriddenBy", "overriddenAt", "dueAt", status, reviewer, note, "reviewedAt", "overdueNotedAt"`;

/**
 * `INSERT INTO override_reviews … SELECT … FROM moved` as a CTE body: the review of the action a
 * CTE named `moved` just overrode (nothing when it did not move).
 */
export function openReviewSql(review: { overriddenBy: string; overriddenAt: Date; dueAt: Date }): Prisma.Sql {
  return Prisma.sql`
    INSERT INTO override_reviews ("actionId", "organizationId", "overriddenBy", "overriddenAt", "dueAt")
    SELECT id, "organizationId", ${review.overriddenBy}, ${review.overriddenAt}::timestamptz, ${review.dueAt}::timestamptz
    FROM moved
    RETURNING "actionId" AS id, "organizationId"`;
}

/**
 * The conditional close as a CTE body: only an open review, and never by whoever overrode
 * (separation of duties). Of concurrent reviewers exactly one matches; the row it returns is the
 * closed review as the action mirrors it.
 */
export function closeReviewSql(
  organizationId: string,
  input: { actionId: string; outcome: OverrideReviewOutcome; reviewer: string; note: string; now: Date },
): Prisma.Sql {
  return Prisma.sql`
    UPDATE override_reviews
    SET status = ${input.outcome}, reviewer = ${input.reviewer}, note = ${input.note}::text,
        "reviewedAt" = ${input.now}::timestamptz
    WHERE "actionId" = ${input.actionId}::uuid AND "organizationId" = ${organizationId}
      AND status = 'PENDING' AND "overriddenBy" <> ${input.reviewer}
    RETURNING "actionId", "organizationId", jsonb_build_object(
      'status', status, 'dueAt', to_char("dueAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'reviewer', reviewer, 'note', note, 'reviewedAt', ${input.now.toISOString()}::text) AS review`;
}

/** The action's review, or undefined (never overridden, unknown or another organization's). */
export async function findOverrideReview(
  q: Queryable,
  organizationId: string,
  actionId: string,
): Promise<OverrideReviewRecord | undefined> {
  const [row] = await queryRows<OverrideReviewRecord>(
    q,
    Prisma.sql`SELECT ${REVIEW_COLUMNS} FROM override_reviews
    WHERE "actionId" = ${actionId}::uuid AND "organizationId" = ${organizationId}`,
  );
  return row;
}

function filterSql(filter: OverrideReviewFilter | undefined, now: Date): Prisma.Sql {
  if (!filter) return Prisma.empty;
  if (filter === "OVERDUE") return Prisma.sql`AND status = 'PENDING' AND "dueAt" <= ${now}::timestamptz`;
  return Prisma.sql`AND status = ${filter}`;
}

/**
 * One page of reviews with their actions, newest override first (overriddenAt desc, actionId
 * desc), in one statement: the page is a range of the (organizationId[, status], overriddenAt,
 * actionId) index, each action one primary-key lookup.
 */
export async function listOverrideReviews(
  q: Queryable,
  organizationId: string,
  input: { status?: OverrideReviewFilter | undefined; limit: number; now: Date },
): Promise<{ action: ActionRecord; review: OverrideReviewRecord }[]> {
  const rows = await queryRows<OverrideReviewRecord & { action: RawActionRow }>(
    q,
    Prisma.sql`
    SELECT r.*, to_jsonb(a) AS action FROM (
      SELECT ${REVIEW_COLUMNS}, "organizationId" FROM override_reviews
      WHERE "organizationId" = ${organizationId} ${filterSql(input.status, input.now)}
      ORDER BY "overriddenAt" DESC, "actionId" DESC
      LIMIT ${input.limit}
    ) r
    CROSS JOIN LATERAL (
      SELECT ${ACTION_COLUMNS} FROM remediation_actions
      WHERE id = r."actionId" AND "organizationId" = r."organizationId"
    ) a
    ORDER BY r."overriddenAt" DESC, r."actionId" DESC`,
  );
  return rows.map(({ action, ...review }) => ({
    action: toAction(action),
    review: {
      actionId: review.actionId,
      overriddenBy: review.overriddenBy,
      overriddenAt: review.overriddenAt,
      dueAt: review.dueAt,
      status: review.status,
      reviewer: review.reviewer,
      note: review.note,
      reviewedAt: review.reviewedAt,
      overdueNotedAt: review.overdueNotedAt,
    },
  }));
}

/**
 * The overdue count of the priority signal, as a scalar subquery: a range of the
 * (organizationId, status, dueAt) index; with an environment each overdue review's action is one
 * primary-key lookup (overdue reviews are few, the actions many).
 */
export function overdueReviewsCountSql(organizationId: string, environment: string | undefined, now: Date) {
  const inEnvironment = environment
    ? Prisma.sql`AND EXISTS (SELECT 1 FROM remediation_actions a
        WHERE a.id = r."actionId" AND a."organizationId" = r."organizationId" AND a.environment = ${environment})`
    : Prisma.empty;
  return Prisma.sql`(SELECT count(*)::int FROM override_reviews r
    WHERE r."organizationId" = ${organizationId} AND r.status = 'PENDING' AND r."dueAt" <= ${now}::timestamptz
    ${inEnvironment})`;
}

/** A report's override figures (docs/behaviour.md#override-review): one statement. */
export async function countOverrideFigures(
  q: Queryable,
  organizationId: string,
  period: { after: Date; atOrBefore: Date },
): Promise<{ overridesInPeriod: number; overrideReviewsPending: number; overrideReviewsFlagged: number }> {
  const [row] = await queryRows<{
    overridesInPeriod: number;
    overrideReviewsPending: number;
    overrideReviewsFlagged: number;
  }>(
    q,
    Prisma.sql`
    SELECT
      (SELECT count(*)::int FROM override_reviews WHERE "organizationId" = ${organizationId}
        AND "overriddenAt" > ${period.after}::timestamptz AND "overriddenAt" <= ${period.atOrBefore}::timestamptz)
        AS "overridesInPeriod",
      (SELECT count(*)::int FROM override_reviews WHERE "organizationId" = ${organizationId} AND status = 'PENDING')
        AS "overrideReviewsPending",
      (SELECT count(*)::int FROM override_reviews WHERE "organizationId" = ${organizationId} AND status = 'FLAGGED'
        AND "reviewedAt" > ${period.after}::timestamptz AND "reviewedAt" <= ${period.atOrBefore}::timestamptz)
        AS "overrideReviewsFlagged"`,
  );
  return row!;
}

/**
 * Across organizations on purpose (the overdue schedule serves all of them): marks up to `batch`
 * reviews still pending past `dueAt` and not yet marked, each with its one OVERRIDE_REVIEW_OVERDUE
 * event, in one statement. Rows another worker is marking are skipped; the marker is re-checked
 * on the locked row, so a review is marked (and its event written) once however many workers run.
 * A range of the (status, overdueNotedAt, dueAt) index. Returns how many it marked.
 */
export async function acrossOrganizationsMarkOverdueReviews(q: Queryable, now: Date, batch: number): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    q,
    Prisma.sql`
    WITH moved AS (
      UPDATE override_reviews SET "overdueNotedAt" = ${now}::timestamptz
      WHERE "actionId" IN (
          SELECT "actionId" FROM override_reviews
          WHERE status = 'PENDING' AND "overdueNotedAt" IS NULL AND "dueAt" <= ${now}::timestamptz
          ORDER BY "dueAt" LIMIT ${batch}
          FOR UPDATE SKIP LOCKED)
        AND status = 'PENDING' AND "overdueNotedAt" IS NULL
      RETURNING "actionId" AS id, "organizationId", "dueAt", "overriddenBy"
    ), logged AS (${insertEventsForMovedRows({
      type: "OVERRIDE_REVIEW_OVERDUE",
      actor: SYSTEM_ACTOR,
      data: {},
      fromRow: Prisma.sql`jsonb_build_object(
        'dueAt', to_char("dueAt" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'overriddenBy', "overriddenBy")`,
    })})
    SELECT count(*)::int AS count FROM moved`,
  );
  return row?.count ?? 0;
}
