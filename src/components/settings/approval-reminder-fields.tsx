"use client";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import type { PolicyForm } from "./policy-checkboxes";

const MINUTE_FIELDS = ["approvalReminderMinutes", "approvalEscalationMinutes"] as const;

/**
 * Reminders and escalation of pending approvals (docs/behaviour.md#approval-reminders). Leaving
 * either minutes field re-checks both, so "escalation after the reminder" shows at the escalation
 * field as soon as the pair is wrong, not only on save.
 */
export function ApprovalReminderFields({ form }: { form: PolicyForm }) {
  const { errors } = form.formState;
  const recheck = { onBlur: () => void form.trigger([...MINUTE_FIELDS]) };
  const reminderError = errors.approvalReminderMinutes?.message;
  const escalationError = errors.approvalEscalationMinutes?.message;
  const emailsError = errors.approvalNotifyEmails?.message;
  return (
    <fieldset className="space-y-3" data-testid="approval-reminder-fields">
      <legend className="text-sm font-medium text-slate-700">Reminders and escalation</legend>
      <p className="text-xs text-slate-500">
        A pending action that waits this long sends one email: a reminder to everyone who may approve it (never the
        requester) and the addresses below, then an escalation to the admins. Blank = off.
      </p>
      <div className="grid gap-3 md:grid-cols-2">
        <Field
          id="approvalReminderMinutes"
          label="Remind approvers after (minutes)"
          hint="1 to 1440."
          error={reminderError}
        >
          <input
            id="approvalReminderMinutes"
            type="number"
            min={1}
            max={1440}
            className={inputClass}
            {...invalidProps("approvalReminderMinutes", reminderError)}
            {...form.register("approvalReminderMinutes", recheck)}
          />
        </Field>
        <Field
          id="approvalEscalationMinutes"
          label="Escalate to admins after (minutes)"
          hint="1 to 10080, later than the reminder."
          error={escalationError}
        >
          <input
            id="approvalEscalationMinutes"
            type="number"
            min={1}
            max={10_080}
            className={inputClass}
            {...invalidProps("approvalEscalationMinutes", escalationError)}
            {...form.register("approvalEscalationMinutes", recheck)}
          />
        </Field>
      </div>
      <Field
        id="approvalNotifyEmails"
        label="Also remind these addresses"
        hint="Comma-separated emails, at most 20 (e.g. an on-call alias)."
        error={emailsError}
      >
        <input
          id="approvalNotifyEmails"
          className={inputClass}
          {...invalidProps("approvalNotifyEmails", emailsError)}
          {...form.register("approvalNotifyEmails")}
        />
      </Field>
    </fieldset>
  );
}
