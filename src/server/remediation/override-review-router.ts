import { z } from "zod";
import { requires, router } from "@/server/trpc";
import { listOverrideReviews } from "./list-override-reviews";
import {
  listOverrideReviewsInput,
  overrideReviewEntrySchema,
  reviewOverrideInput,
  reviewOverrideOutput,
} from "./override-review-schemas";
import { reviewOverride } from "./review-override";

/** The second look at guardrail overrides (docs/behaviour.md#override-review). */
export const overrideReviewsRouter = router({
  review: requires("remediation:approve")
    .input(reviewOverrideInput)
    .output(reviewOverrideOutput)
    .mutation(({ ctx, input }) => reviewOverride(ctx, input)),
  list: requires("remediation:view")
    .input(listOverrideReviewsInput)
    .output(z.array(overrideReviewEntrySchema))
    .query(({ ctx, input }) => listOverrideReviews(ctx, input)),
});
