import { z } from "zod";
import { actionRequestInput } from "@/lib/action-request";
import { policySchema, simulatePolicyInput, updatePolicyBody, versionedPolicySchema } from "@/lib/policy-schema";
import { limitSchema, queryField } from "@/lib/schemas";
import { requires, router } from "@/server/trpc";
import { evaluateActionPolicy } from "./evaluate-action-policy";
import { listPolicyVersions } from "./list-policy-versions";
import { loadPolicy } from "./load-policy";
import { simulatePolicy } from "./simulate-policy";
import { updatePolicy } from "./update-policy";

const outcomeSchema = z.enum(["QUEUED", "PENDING_APPROVAL", "BLOCKED"]);

const policyEvaluationSchema = z.object({
  outcome: outcomeSchema,
  reasons: z.array(z.string()),
  violations: z.array(z.string()),
  detail: z.string(),
});

const countsSchema = z.object({ QUEUED: z.number(), PENDING_APPROVAL: z.number(), BLOCKED: z.number() });

const simulationSchema = z.object({
  basedOnVersion: z.number(),
  from: z.date(),
  to: z.date(),
  evaluated: z.number(),
  changed: z.number(),
  before: countsSchema,
  after: countsSchema,
  transitions: z.record(z.string(), z.number()),
  samples: z.array(
    z.object({
      actionId: z.string(),
      incidentId: z.string(),
      createdAt: z.date(),
      actionType: z.string(),
      environment: z.string(),
      severity: z.string(),
      before: outcomeSchema,
      after: outcomeSchema,
      reasons: z.array(z.string()),
    }),
  ),
});

const policyVersionSchema = z.object({
  version: z.number(),
  policy: policySchema,
  createdBy: z.string(),
  createdAt: z.date(),
});

export const policyRouter = router({
  get: requires("remediation:view")
    .output(versionedPolicySchema)
    .query(({ ctx }) => loadPolicy(ctx.db, ctx.scope)),
  update: requires("policy:update")
    .input(updatePolicyBody.optional().transform((v) => v ?? {}))
    .output(versionedPolicySchema)
    .mutation(({ ctx, input }) => updatePolicy(ctx, input)),
  evaluate: requires("remediation:view")
    .input(actionRequestInput)
    .output(policyEvaluationSchema)
    .mutation(({ ctx, input }) => evaluateActionPolicy(ctx, input)),
  versions: requires("remediation:view")
    .input(
      z
        .object({ limit: queryField(limitSchema(50, 500)) })
        .optional()
        .transform((v) => v ?? { limit: 50 }),
    )
    .output(z.array(policyVersionSchema))
    .query(({ ctx, input }) => listPolicyVersions(ctx, input)),
  simulate: requires("remediation:view")
    .input(simulatePolicyInput)
    .output(simulationSchema)
    .mutation(({ ctx, input }) => simulatePolicy(ctx, input)),
});
