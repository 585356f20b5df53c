import { z } from "zod";
import { REPORT_CADENCES } from "@/lib/reporting-settings";
import { limitSchema, queryField } from "@/lib/schemas";

const REPORT_RUN_STATUSES = ["running", "success", "failed"] as const;
const REPORT_TRIGGERS = ["schedule", "manual", "retry"] as const;

export const reportingSettingsSchema = z.object({
  organizationId: z.string(),
  retentionDays: z.number().int(),
  scheduledReportEnabled: z.boolean(),
  reportCadence: z.enum(REPORT_CADENCES),
  reportRecipients: z.array(z.string()),
  lastReportAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

const deliveryFailureSchema = z.object({ recipient: z.string(), error: z.string() });

/** The reference's run row plus `trigger` and `retryOfRunId` (docs/behaviour.md#reporting). */
export const reportRunSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  cadence: z.enum(REPORT_CADENCES),
  trigger: z.enum(REPORT_TRIGGERS),
  retryOfRunId: z.string().nullable(),
  recipients: z.array(z.string()),
  deliveredCount: z.number().int(),
  failedDeliveryCount: z.number().int(),
  deliveryFailures: z.array(deliveryFailureSchema),
  deletedCount: z.number().int(),
  totalActions: z.number().int(),
  failedActions: z.number().int(),
  pendingApprovals: z.number().int(),
  queuedExecutions: z.number().int(),
  overridesInPeriod: z.number().int(),
  overrideReviewsPending: z.number().int(),
  overrideReviewsFlagged: z.number().int(),
  status: z.enum(REPORT_RUN_STATUSES),
  error: z.string().nullable(),
  startedAt: z.date(),
  completedAt: z.date().nullable(),
});
export type ReportRunView = z.infer<typeof reportRunSchema>;

/** Query strings send `status=` for "any": an empty value is the same as an absent one. */

const DAY_MS = 86_400_000;

const ISO_MESSAGE = "Must be an ISO 8601 timestamp (2026-11-28T06:00:00Z) or date (2026-11-28)";

/** `from`/`to` bound startedAt inclusively; a bare date `to` means the whole of that day, UTC. */
function isoBound(bound: "from" | "to") {
  return z.union(
    [
      z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
      z.iso.date().transform((v) => new Date(Date.parse(v) + (bound === "to" ? DAY_MS - 1 : 0))),
    ],
    { error: ISO_MESSAGE },
  );
}

export const listReportRunsInput = z
  .object({
    status: queryField(z.enum(REPORT_RUN_STATUSES, { error: "status must be running, success or failed" }).optional()),
    from: queryField(isoBound("from").optional()),
    to: queryField(isoBound("to").optional()),
    limit: queryField(limitSchema(50, 500)),
  })
  .superRefine((v, ctx) => {
    if (v.from && v.to && v.from > v.to) {
      ctx.addIssue({ code: "custom", path: ["from"], message: "from must not be after to" });
    }
  })
  .optional()
  .transform((v) => v ?? { limit: 50 });

export type ListReportRunsInput = z.output<typeof listReportRunsInput>;

export const runIdInput = z.strictObject(
  { runId: z.string() },
  { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}` : undefined) },
);

/** Bare POST: an empty body or `{}`; anything else is an unknown key (docs/behaviour.md#errors). */
export const emptyBodyInput = z
  .strictObject(
    {},
    { error: (issue) => (issue.code === "unrecognized_keys" ? `Unknown field: ${issue.keys.join(", ")}` : undefined) },
  )
  .optional();

export const retentionResultSchema = z.object({
  organizationId: z.string(),
  retentionDays: z.number().int(),
  cutoff: z.date(),
  deletedCount: z.number().int(),
});
export type RetentionResult = z.infer<typeof retentionResultSchema>;
