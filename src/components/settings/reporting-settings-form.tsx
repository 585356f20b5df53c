"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { type FieldPath, useForm } from "react-hook-form";
import { z } from "zod";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { QueryState } from "@/components/ui/states";
import { toast } from "@/components/ui/toast";
import {
  REPORT_CADENCES,
  reportCadenceSchema,
  reportRecipientsSchema,
  retentionDaysSchema,
  scheduleRecipientsIssue,
} from "@/lib/reporting-settings";
import { trpc } from "@/lib/trpc";
import { messageOf, serverIssues } from "./server-issues";

const splitRecipients = (text: string) => text.split(/[\s,;]+/).filter(Boolean);

// The API's own schemas (src/lib/reporting-settings.ts), so the form shows the API's messages.
const formSchema = z
  .object({
    retentionDays: retentionDaysSchema,
    scheduledReportEnabled: z.boolean(),
    reportCadence: reportCadenceSchema,
    recipientsText: z.string(),
  })
  .superRefine((values, ctx) => {
    const recipients = reportRecipientsSchema.safeParse(splitRecipients(values.recipientsText));
    if (!recipients.success) {
      for (const issue of recipients.error.issues)
        ctx.addIssue({ code: "custom", path: ["recipientsText"], message: issue.message });
      return;
    }
    const issue = scheduleRecipientsIssue({
      scheduledReportEnabled: values.scheduledReportEnabled,
      reportRecipients: recipients.data,
    });
    if (issue) ctx.addIssue({ code: "custom", path: ["recipientsText"], message: issue.message });
  });
type FormValues = z.input<typeof formSchema>;

const FIELD_OF: Record<string, FieldPath<FormValues>> = {
  retentionDays: "retentionDays",
  scheduledReportEnabled: "scheduledReportEnabled",
  reportCadence: "reportCadence",
  reportRecipients: "recipientsText",
};

export function ReportingSettingsForm() {
  const canEdit = useCan("policy:update");
  const settings = trpc.reporting.getSettings.useQuery();
  const utils = trpc.useUtils();
  const update = trpc.reporting.updateSettings.useMutation();
  const form = useForm<FormValues>({ resolver: zodResolver(formSchema), mode: "onSubmit" });
  const { errors } = form.formState;

  const saved = settings.data;
  useEffect(() => {
    if (saved) {
      form.reset({
        retentionDays: saved.retentionDays,
        scheduledReportEnabled: saved.scheduledReportEnabled,
        reportCadence: saved.reportCadence,
        recipientsText: saved.reportRecipients.join("\n"),
      });
    }
  }, [saved, form]);

  const submit = form.handleSubmit(async (values) => {
    try {
      await update.mutateAsync({
        retentionDays: values.retentionDays,
        scheduledReportEnabled: values.scheduledReportEnabled,
        reportCadence: values.reportCadence,
        reportRecipients: splitRecipients(values.recipientsText),
      });
      toast.success("Reporting settings saved");
      await utils.reporting.getSettings.invalidate();
      await utils.ui.retentionPreview.invalidate();
    } catch (error) {
      const issues = serverIssues(error);
      for (const issue of issues) {
        form.setError(FIELD_OF[issue.path.split(".")[0] ?? ""] ?? "root", { message: issue.message });
      }
      if (issues.length === 0) toast.error("Could not save settings", { description: messageOf(error) });
    }
  });

  return (
    <Card title="Compliance reporting" headingId="reporting-settings-title">
      <QueryState query={settings} loadingLabel="Loading settings…">
        {(data) => (
          <form
            onSubmit={submit}
            noValidate
            aria-label="Reporting settings"
            className="grid max-w-2xl gap-4 sm:grid-cols-2"
          >
            <fieldset disabled={!canEdit || update.isPending} className="contents">
              <Field
                id="retentionDays"
                label="Retention (days)"
                hint="7 to 3650 days."
                error={errors.retentionDays?.message}
              >
                <input
                  id="retentionDays"
                  type="number"
                  inputMode="numeric"
                  className={inputClass}
                  {...invalidProps("retentionDays", errors.retentionDays?.message)}
                  {...form.register("retentionDays", { valueAsNumber: true })}
                />
              </Field>
              <Field id="reportCadence" label="Report cadence" error={errors.reportCadence?.message}>
                <select id="reportCadence" className={inputClass} {...form.register("reportCadence")}>
                  {REPORT_CADENCES.map((c) => (
                    <option key={c} value={c}>
                      {c}
                    </option>
                  ))}
                </select>
              </Field>
              <Field
                id="recipientsText"
                label="Report recipients"
                hint="Email addresses, one per line or separated by commas (at most 20)."
                error={errors.recipientsText?.message}
                className="sm:col-span-2"
              >
                <textarea
                  id="recipientsText"
                  rows={3}
                  className={inputClass}
                  {...invalidProps("recipientsText", errors.recipientsText?.message)}
                  {...form.register("recipientsText")}
                />
              </Field>
              <label className="flex items-center gap-2 text-sm sm:col-span-2">
                <input type="checkbox" className="size-4" {...form.register("scheduledReportEnabled")} />
                Send scheduled reports
              </label>
            </fieldset>
            {errors.root?.message && (
              <p role="alert" className="text-sm text-red-700 sm:col-span-2">
                {errors.root.message}
              </p>
            )}
            <div className="flex flex-wrap items-center gap-3 sm:col-span-2">
              {canEdit && (
                <Button type="submit" variant="primary" busy={update.isPending}>
                  Save settings
                </Button>
              )}
              <p className="text-xs text-slate-500">Last scheduled report: {formatDateTime(data.lastReportAt)}</p>
            </div>
          </form>
        )}
      </QueryState>
    </Card>
  );
}
