import { z } from "zod";
import { listMembers, memberSchema } from "@/server/auth/list-members";
import { activityDaySchema, getActivityByDay } from "@/server/remediation/get-activity-by-day";
import { decisionTimeDaySchema, getDecisionTimeByDay } from "@/server/remediation/get-decision-time-by-day";
import {
  listServiceConflicts,
  serviceConflictsInput,
  serviceConflictsSchema,
} from "@/server/remediation/list-service-conflicts";
import { environmentFilterInput } from "@/server/remediation/schemas";
import { previewRetention, retentionPreviewSchema } from "@/server/reporting/preview-retention";
import { requires, router } from "@/server/trpc";

/**
 * Procedures only the operator UI calls (`trpc.ui.*`; not part of the REST contract). Wiring
 * only: each use case lives in its domain.
 */
export const uiRouter = router({
  activityByDay: requires("remediation:view")
    .input(environmentFilterInput)
    .output(z.array(activityDaySchema))
    .query(({ ctx, input }) => getActivityByDay(ctx, input)),
  decisionTimeByDay: requires("remediation:view")
    .output(z.array(decisionTimeDaySchema))
    .query(({ ctx }) => getDecisionTimeByDay(ctx)),
  members: requires("remediation:view")
    .output(z.array(memberSchema))
    .query(({ ctx }) => listMembers(ctx)),
  serviceConflicts: requires("remediation:view")
    .input(serviceConflictsInput)
    .output(serviceConflictsSchema)
    .query(({ ctx, input }) => listServiceConflicts(ctx, input)),
  retentionPreview: requires("remediation:view")
    .output(retentionPreviewSchema)
    .query(({ ctx }) => previewRetention(ctx)),
});
