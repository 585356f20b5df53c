import type { RestRoute } from "../types";

// docs/behaviour.md#override-review. The literal list path wins over /remediation/:id.
export const overrideReviewRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/remediation/:id/override-review",
    procedure: "overrideReviews.review",
    summary:
      "Review a guardrail override (outcome ACCEPTED or FLAGGED, a note of 1..2000 characters); whoever overrode cannot review it",
    errors: {
      403: "Missing remediation:approve, or separation of duties: the approver who overrode a guardrail cannot review the override",
      409: "The action has no open override review (never overridden, or reviewed already)",
    },
  },
  {
    method: "GET",
    path: "/remediation/override-reviews",
    procedure: "overrideReviews.list",
    summary:
      "Override reviews with their actions, newest override first; status PENDING, OVERDUE (pending past dueAt), ACCEPTED or FLAGGED",
  },
];
