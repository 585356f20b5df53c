import { z } from "zod";
import { OVERRIDE_REVIEW_NOTE_MAX, OVERRIDE_REVIEW_OUTCOMES } from "./override-review";
import { storableString } from "./schemas";

/**
 * The body of POST /remediation/:id/override-review (docs/behaviour.md#override-review).
 * Isomorphic: the review dialog validates with the schema the API answers 400 with.
 */
const overrideReviewOutcomeSchema = z.enum(OVERRIDE_REVIEW_OUTCOMES, {
  error: "outcome must be ACCEPTED or FLAGGED",
});

/** Required; surrounding blanks are trimmed, so a note of blanks only is missing. */
const overrideReviewNoteSchema = storableString({ error: "note is required" })
  .trim()
  .min(1, "note is required")
  .max(OVERRIDE_REVIEW_NOTE_MAX, `note must be at most ${OVERRIDE_REVIEW_NOTE_MAX} characters`);

/** Unknown keys are a 400. */
export const overrideReviewBodySchema = z.strictObject({
  outcome: overrideReviewOutcomeSchema,
  note: overrideReviewNoteSchema,
});
