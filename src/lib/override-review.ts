import { z } from "zod";
import { storableString } from "./schemas";

/**
 * The override review's shared rules (docs/behaviour.md#override-review). Isomorphic: the review
 * dialog validates with the same schema the API answers 400 with.
 */
export const OVERRIDE_REVIEW_OUTCOMES = ["ACCEPTED", "FLAGGED"] as const;
export const OVERRIDE_REVIEW_STATUSES = ["PENDING", ...OVERRIDE_REVIEW_OUTCOMES] as const;
/** List filters: a stored status, or OVERDUE (still pending past its due time). */
export const OVERRIDE_REVIEW_FILTERS = [...OVERRIDE_REVIEW_STATUSES, "OVERDUE"] as const;

export const OVERRIDE_REVIEW_NOTE_MAX = 2000;

const overrideReviewOutcomeSchema = z.enum(OVERRIDE_REVIEW_OUTCOMES, {
  error: "outcome must be ACCEPTED or FLAGGED",
});

/** Required; surrounding blanks are trimmed, so a note of blanks only is missing. */
const overrideReviewNoteSchema = storableString({ error: "note is required" })
  .trim()
  .min(1, "note is required")
  .max(OVERRIDE_REVIEW_NOTE_MAX, `note must be at most ${OVERRIDE_REVIEW_NOTE_MAX} characters`);

/** The body of POST /remediation/:id/override-review (unknown keys are a 400). */
export const overrideReviewBodySchema = z.strictObject({
  outcome: overrideReviewOutcomeSchema,
  note: overrideReviewNoteSchema,
});

/** The exact 403 for whoever overrode the guardrail (shown as is by the review dialog). */
export const OVERRIDER_CANNOT_REVIEW_MESSAGE =
  "Separation of duties: the approver who overrode a guardrail cannot review the override.";

export type OverrideReviewOutcome = (typeof OVERRIDE_REVIEW_OUTCOMES)[number];
