import { z } from "zod";
import { updateReportingSettingsInput } from "@/lib/reporting-settings";
import { csvResultSchema } from "@/server/csv";
import { listOutbox, listOutboxInput, outboxEmailSchema } from "@/server/email/list-outbox";
import { requires, router } from "@/server/trpc";
import { enforceRetention } from "./enforce-retention";
import { getReportingSettings } from "./get-reporting-settings";
import { exportReportRunsCsv, listReportRuns } from "./list-report-runs";
import { retryReportRun } from "./retry-report-run";
import {
  emptyBodyInput,
  listReportRunsInput,
  reportingSettingsSchema,
  reportRunSchema,
  retentionResultSchema,
  runIdInput,
} from "./schemas";
import { sendReportNow } from "./send-report-now";
import { updateReportingSettings } from "./update-reporting-settings";

/** Compliance reporting (docs/behaviour.md#reporting): settings, report runs, retention, the local outbox. */
export const reportingRouter = router({
  getSettings: requires("remediation:view")
    .output(reportingSettingsSchema)
    .query(({ ctx }) => getReportingSettings(ctx)),
  updateSettings: requires("policy:update")
    .input(updateReportingSettingsInput)
    .output(reportingSettingsSchema)
    .mutation(({ ctx, input }) => updateReportingSettings(ctx, input)),
  listRuns: requires("remediation:view")
    .input(listReportRunsInput)
    .output(z.array(reportRunSchema))
    .query(({ ctx, input }) => listReportRuns(ctx, input)),
  exportRunsCsv: requires("remediation:view")
    .input(listReportRunsInput)
    .output(csvResultSchema)
    .query(({ ctx, input }) => exportReportRunsCsv(ctx, input)),
  sendNow: requires("policy:update")
    .input(emptyBodyInput)
    .output(reportRunSchema)
    .mutation(({ ctx }) => sendReportNow(ctx)),
  retryRun: requires("policy:update")
    .input(runIdInput)
    .output(reportRunSchema)
    .mutation(({ ctx, input }) => retryReportRun(ctx, input)),
  enforceRetention: requires("policy:update")
    .input(emptyBodyInput)
    .output(retentionResultSchema)
    .mutation(({ ctx }) => enforceRetention(ctx)),
  outbox: requires("remediation:view")
    .input(listOutboxInput)
    .output(z.array(outboxEmailSchema))
    .query(({ ctx, input }) => listOutbox(ctx, input)),
});
