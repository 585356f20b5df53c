import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../../client";
import { insertEventsForMovedRows } from "../events";
import { closeReviewSql, type OverrideReviewOutcome } from "../override-reviews";

/**
 * Closes the action's open override review (docs/behaviour.md#override-review) in one statement:
 * the conditional close of its override_reviews row, the same review mirrored on the action as
 * `details.overrideReview`, and the OVERRIDE_REVIEWED event. `updatedAt` stays: a review is no
 * change of the action's state (the signal's failures are counted by it). False when no open
 * review of this action may be closed by this reviewer (none, closed already, or theirs).
 */
export async function recordOverrideReview(
  q: Queryable,
  organizationId: string,
  input: { actionId: string; outcome: OverrideReviewOutcome; reviewer: string; note: string; now: Date },
): Promise<boolean> {
  const rows = await queryRows<unknown>(
    q,
    Prisma.sql`
    WITH closed AS (${closeReviewSql(organizationId, input)}),
    moved AS (
      UPDATE remediation_actions a
      SET details = a.details || jsonb_build_object('overrideReview', closed.review)
      FROM closed
      WHERE a.id = closed."actionId" AND a."organizationId" = closed."organizationId"
      RETURNING a.id, a."organizationId"
    ), logged AS (${insertEventsForMovedRows({
      type: "OVERRIDE_REVIEWED",
      actor: input.reviewer,
      data: { outcome: input.outcome, note: input.note, reviewer: input.reviewer },
    })})
    SELECT 1 FROM moved`,
  );
  return rows.length > 0;
}
