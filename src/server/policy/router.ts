import { z } from "zod";
import { actionRequestInput } from "@/lib/action-request";
import { updatePolicyInput, versionedPolicySchema } from "@/lib/policy-schema";
import { requires, router } from "@/server/trpc";
import { evaluateActionPolicy } from "./evaluate-action-policy";
import { loadPolicy } from "./load-policy";
import { updatePolicy } from "./update-policy";

const policyEvaluationSchema = z.object({
  outcome: z.enum(["QUEUED", "PENDING_APPROVAL", "BLOCKED"]),
  reasons: z.array(z.string()),
  violations: z.array(z.string()),
  detail: z.string(),
});

export const policyRouter = router({
  get: requires("remediation:view")
    .output(versionedPolicySchema)
    .query(({ ctx }) => loadPolicy(ctx.db, ctx.scope)),
  update: requires("policy:update")
    .input(updatePolicyInput.optional().transform((v) => v ?? {}))
    .output(versionedPolicySchema)
    .mutation(({ ctx, input }) => updatePolicy(ctx, input)),
  evaluate: requires("remediation:view")
    .input(actionRequestInput)
    .output(policyEvaluationSchema)
    .mutation(({ ctx, input }) => evaluateActionPolicy(ctx, input)),
});
