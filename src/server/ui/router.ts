import { z } from "zod";
import { environmentFilterInput } from "@/server/remediation/schemas";
import { requires, router } from "@/server/trpc";
import { activityByDay, activityDaySchema } from "./activity-by-day";
import { listMembers, memberSchema } from "./list-members";
import { mintToken, mintTokenInput, mintTokenOutput } from "./mint-token";
import { previewRetention, retentionPreviewSchema } from "./retention-preview";

/** Read models and helpers only the operator UI needs (not part of the REST contract). */
export const uiRouter = router({
  activityByDay: requires("remediation:view")
    .input(environmentFilterInput)
    .output(z.array(activityDaySchema))
    .query(({ ctx, input }) => activityByDay(ctx, input)),
  members: requires("remediation:view")
    .output(z.array(memberSchema))
    .query(({ ctx }) => listMembers(ctx)),
  retentionPreview: requires("remediation:view")
    .output(retentionPreviewSchema)
    .query(({ ctx }) => previewRetention(ctx)),
  // policy:update is the admin-only permission (contract §3 roles): only admins mint tokens.
  mintToken: requires("policy:update")
    .input(mintTokenInput)
    .output(mintTokenOutput)
    .mutation(({ ctx, input }) => mintToken(ctx, input)),
});
