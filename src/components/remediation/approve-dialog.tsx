"use client";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { formatParameters } from "@/components/ui/format";
import { ContextChangeNotice } from "./approval-progress";

const OVERRIDE_REASON_REQUIRED = "Type a reason to override the policy violations.";

export interface ApproveDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  action: { actionType: string; parameters: Record<string, unknown>; environment: string; severity: string } | null;
  /** Guardrail violations known for this action; when present a typed reason is required. */
  violations: string[];
  detail?: string | undefined;
  /** What changed since the operator opened it (a 409 answer): the next submit sends the new version. */
  changes?: string[] | undefined;
  busy: boolean;
  error?: string | undefined;
  onSubmit: (reason: string | undefined) => void;
}

/**
 * Approval with an optional reason, or — when the policy reports violations — an override that
 * cannot be sent without a typed reason (the server would answer POLICY_VIOLATION otherwise).
 */
export function ApproveDialog({
  open,
  onOpenChange,
  action,
  violations,
  detail,
  changes,
  busy,
  error,
  onSubmit,
}: ApproveDialogProps) {
  const override = violations.length > 0;
  // Plain react-hook-form rules: this dialog is on the Control Center's first load, zod is not.
  const form = useForm<{ reason: string }>({ defaultValues: { reason: "" } });
  const reasonError = form.formState.errors.reason?.message;

  useEffect(() => {
    if (open) form.reset({ reason: "" });
  }, [open, form]);

  const submit = form.handleSubmit(({ reason }) => onSubmit(reason.trim() === "" ? undefined : reason.trim()));

  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={override ? "Override policy violations" : "Approve remediation"}
      description={
        action
          ? `${action.actionType} (${formatParameters(action.parameters)}) in ${action.environment}, severity ${action.severity}.`
          : undefined
      }
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" type="submit" form="approve-form" busy={busy}>
            {override ? "Override and approve" : "Approve"}
          </Button>
        </>
      }
    >
      <form id="approve-form" onSubmit={submit} className="space-y-3" noValidate>
        <ContextChangeNotice changes={changes} />
        {override && (
          <div
            role="alert"
            data-testid="override-violations"
            className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
          >
            <p className="font-semibold">The policy blocks this approval:</p>
            <ul className="mt-1 list-disc pl-5">
              {violations.map((v) => (
                <li key={v}>{v}</li>
              ))}
            </ul>
            {detail && <p className="mt-2 text-xs text-red-700">{detail}</p>}
          </div>
        )}
        <Field
          id="approve-reason"
          label={override ? "Override reason (required)" : "Reason (optional)"}
          hint="Recorded in the action's audit trail."
          error={reasonError}
        >
          <textarea
            id="approve-reason"
            rows={3}
            className={inputClass}
            {...invalidProps("approve-reason", reasonError)}
            {...form.register("reason", {
              maxLength: { value: 1000, message: "reason must be at most 1000 characters" },
              validate: (value) => !override || value.trim() !== "" || OVERRIDE_REASON_REQUIRED,
            })}
          />
        </Field>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
