import { z } from "zod";
import { storableString } from "@/lib/schemas";

/**
 * Reporting settings rules (docs/behaviour.md#reporting), isomorphic: the API validates with these schemas and
 * the settings form shows the very same messages.
 */
export const REPORT_CADENCES = ["daily", "weekly"] as const;
export type ReportCadence = (typeof REPORT_CADENCES)[number];

const RETENTION_DAYS_MIN = 7;
const RETENTION_DAYS_MAX = 3650;
const MAX_REPORT_RECIPIENTS = 20;

export const retentionDaysSchema = z
  .number({ error: "Retention must be a number of days" })
  .int("Retention must be a whole number of days")
  .min(RETENTION_DAYS_MIN, `Retention must be at least ${RETENTION_DAYS_MIN} days`)
  .max(RETENTION_DAYS_MAX, `Retention must be at most ${RETENTION_DAYS_MAX} days`);

export const reportCadenceSchema = z.enum(REPORT_CADENCES, { error: 'Cadence must be "daily" or "weekly"' });

const recipientSchema = storableString({ error: "Each recipient must be an email address" })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: (issue) => `"${String(issue.input)}" is not a valid email address` }));

/** Valid emails, lower-cased and de-duplicated (first occurrence kept), then at most 20. */
export const reportRecipientsSchema = z
  .array(recipientSchema, { error: "Recipients must be a list of email addresses" })
  .transform((list) => [...new Set(list)])
  .pipe(z.array(z.string()).max(MAX_REPORT_RECIPIENTS, `At most ${MAX_REPORT_RECIPIENTS} recipients`));

/** PUT body: any subset of the four fields; unknown keys are refused. */
export const updateReportingSettingsInput = z
  .strictObject(
    {
      retentionDays: retentionDaysSchema.optional(),
      scheduledReportEnabled: z.boolean({ error: "scheduledReportEnabled must be true or false" }).optional(),
      reportCadence: reportCadenceSchema.optional(),
      reportRecipients: reportRecipientsSchema.optional(),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`
          : "Settings must be a JSON object",
    },
  )
  .optional()
  .transform((v) => v ?? {});

export type UpdateReportingSettings = z.output<typeof updateReportingSettingsInput>;

const SCHEDULE_NEEDS_RECIPIENTS = "Add at least one recipient before enabling scheduled reports";

/**
 * The cross-field rule, applied to the settings as they would be stored (the update merged over
 * the saved values): scheduled reports need somebody to send them to.
 */
export function scheduleRecipientsIssue(merged: {
  scheduledReportEnabled: boolean;
  reportRecipients: readonly string[];
}): { path: string; message: string } | undefined {
  if (merged.scheduledReportEnabled && merged.reportRecipients.length === 0) {
    return { path: "reportRecipients", message: SCHEDULE_NEEDS_RECIPIENTS };
  }
  return undefined;
}
