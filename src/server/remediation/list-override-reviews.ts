import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import {
  listOverrideReviews as listStoredReviews,
  type OverrideReviewFilter,
} from "@/server/db/stores/override-reviews";
import type { OverrideReviewEntry } from "./override-review-schemas";

/**
 * GET /remediation/override-reviews?status=&limit= (docs/behaviour.md#override-review): reviews
 * with their actions, newest override first, one statement per page. OVERDUE = still pending past
 * `dueAt`; every entry says whether it is (`overdue`).
 */
export async function listOverrideReviews(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { status?: OverrideReviewFilter | undefined; limit: number },
  now: Date = new Date(),
): Promise<OverrideReviewEntry[]> {
  const rows = await listStoredReviews(db, scope.organizationId, { ...input, now });
  return rows.map(({ action, review }) => ({
    action,
    review: {
      status: review.status,
      overdue: review.status === "PENDING" && review.dueAt <= now,
      dueAt: review.dueAt,
      overriddenBy: review.overriddenBy,
      overriddenAt: review.overriddenAt,
      reviewer: review.reviewer,
      note: review.note,
      reviewedAt: review.reviewedAt,
    },
  }));
}
