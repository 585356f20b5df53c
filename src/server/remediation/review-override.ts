import { OVERRIDER_CANNOT_REVIEW_MESSAGE, type OverrideReviewOutcome } from "@/lib/override-review";
import type { Principal } from "@/server/auth/principal-types";
import type { Db } from "@/server/db/client";
import { isUuid, type OrgScope } from "@/server/db/scoped";
import * as actions from "@/server/db/stores/actions";
import { findOverrideReview } from "@/server/db/stores/override-reviews";
import { AppError, notFound } from "@/server/errors";

const NO_OPEN_REVIEW_MESSAGE = "This action has no open override review.";

/**
 * POST /remediation/:id/override-review (docs/behaviour.md#override-review): one conditional
 * statement closes the open review (not by whoever overrode), mirrors it on the action and writes
 * OVERRIDE_REVIEWED, so of concurrent reviewers exactly one wins. When it closed nothing, the
 * review is read to say why: not visible → 404, no open review → 409, the overrider → 403.
 */
export async function reviewOverride(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: { id: string; outcome: OverrideReviewOutcome; note: string },
  now: Date = new Date(),
): Promise<{ status: OverrideReviewOutcome }> {
  const organizationId = scope.organizationId;
  if (!isUuid(input.id)) throw notFound("Action");
  const reviewed = await actions.recordOverrideReview(db, organizationId, {
    actionId: input.id,
    outcome: input.outcome,
    reviewer: principal.userId,
    note: input.note,
    now,
  });
  if (reviewed) return { status: input.outcome };

  const review = await findOverrideReview(db, organizationId, input.id);
  if (!review && !(await actions.findAction(db, organizationId, input.id))) throw notFound("Action");
  if (review?.status === "PENDING" && review.overriddenBy === principal.userId) {
    throw new AppError("FORBIDDEN", OVERRIDER_CANNOT_REVIEW_MESSAGE);
  }
  throw new AppError("CONFLICT", NO_OPEN_REVIEW_MESSAGE);
}
