/**
 * The override review's shared words (docs/behaviour.md#override-review), free of zod so the
 * Control Center's first load stays without it; the body schema is in override-review-schema.ts.
 */
export const OVERRIDE_REVIEW_OUTCOMES = ["ACCEPTED", "FLAGGED"] as const;
export const OVERRIDE_REVIEW_STATUSES = ["PENDING", ...OVERRIDE_REVIEW_OUTCOMES] as const;
/** List filters: a stored status, or OVERDUE (still pending past its due time). */
export const OVERRIDE_REVIEW_FILTERS = [...OVERRIDE_REVIEW_STATUSES, "OVERDUE"] as const;

export const OVERRIDE_REVIEW_NOTE_MAX = 2000;

export type OverrideReviewOutcome = (typeof OVERRIDE_REVIEW_OUTCOMES)[number];

/** The exact 403 for whoever overrode the guardrail (shown as is by the Reviews panel). */
export const OVERRIDER_CANNOT_REVIEW_MESSAGE =
  "Separation of duties: the approver who overrode a guardrail cannot review the override.";
