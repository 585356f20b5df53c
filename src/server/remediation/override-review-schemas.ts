import { z } from "zod";
import { OVERRIDE_REVIEW_FILTERS, OVERRIDE_REVIEW_OUTCOMES, OVERRIDE_REVIEW_STATUSES } from "@/lib/override-review";
import { overrideReviewBodySchema } from "@/lib/override-review-schema";
import { limitSchema, queryField } from "@/lib/schemas";
import { actionSchema } from "./schemas";

/** POST /remediation/:id/override-review: the path id and the body (docs/behaviour.md#override-review). */
export const reviewOverrideInput = overrideReviewBodySchema.extend({ id: z.string() });

export const reviewOverrideOutput = z.object({ status: z.enum(OVERRIDE_REVIEW_OUTCOMES) });

export const listOverrideReviewsInput = z
  .object({
    status: queryField(
      z.enum(OVERRIDE_REVIEW_FILTERS, { error: "status must be PENDING, OVERDUE, ACCEPTED or FLAGGED" }).optional(),
    ),
    limit: queryField(limitSchema(50, 500)),
  })
  .optional()
  .transform((v) => v ?? { limit: 50 });

/** One review as the list shows it: the stored review plus `overdue` (pending past `dueAt`). */
const overrideReviewSchema = z.object({
  status: z.enum(OVERRIDE_REVIEW_STATUSES),
  overdue: z.boolean(),
  dueAt: z.date(),
  overriddenBy: z.string(),
  overriddenAt: z.date(),
  reviewer: z.string().nullable(),
  note: z.string().nullable(),
  reviewedAt: z.date().nullable(),
});

export const overrideReviewEntrySchema = z.object({ action: actionSchema, review: overrideReviewSchema });
export type OverrideReviewEntry = z.output<typeof overrideReviewEntrySchema>;
