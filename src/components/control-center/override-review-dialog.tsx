"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import { ActionLabel } from "@/components/remediation/action-label";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { OVERRIDE_REVIEW_NOTE_MAX, type OverrideReviewOutcome } from "@/lib/override-review";
import { overrideReviewBodySchema } from "@/lib/override-review-schema";
import type { OverrideReviewItem } from "./override-review-row";

type ReviewValues = { outcome: OverrideReviewOutcome; note: string };

export interface OverrideReviewDialogProps {
  item: OverrideReviewItem | null;
  overrider: string;
  onOpenChange: (open: boolean) => void;
  busy: boolean;
  /** The server's message when it refused (e.g. the separation-of-duties 403). */
  error?: string | undefined;
  onSubmit: (values: ReviewValues) => void;
}

/**
 * The second look at a guardrail override (docs/behaviour.md#override-review): Accept or Flag, with
 * a required note, validated by the API's own schema. Loaded when first opened (zod with it).
 */
export function OverrideReviewDialog({
  item,
  overrider,
  onOpenChange,
  busy,
  error,
  onSubmit,
}: OverrideReviewDialogProps) {
  const form = useForm<ReviewValues>({
    resolver: zodResolver(overrideReviewBodySchema),
    defaultValues: { outcome: "ACCEPTED", note: "" },
  });
  const noteError = form.formState.errors.note?.message;
  const open = item !== null;

  useEffect(() => {
    if (open) form.reset({ outcome: "ACCEPTED", note: "" });
  }, [open, form]);

  const approval = (item?.action.details.approval ?? {}) as { reason?: string; violations?: string[] };
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title="Review guardrail override"
      description={item ? `Overridden by ${overrider} in ${item.action.environment}.` : undefined}
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" type="submit" form="override-review-form" busy={busy}>
            Submit review
          </Button>
        </>
      }
    >
      <form id="override-review-form" onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
        {item && (
          <div className="space-y-1 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
            <ActionLabel actionType={item.action.actionType} parameters={item.action.parameters} />
            {approval.reason && (
              <p>
                <span className="font-medium">Override reason:</span> {approval.reason}
              </p>
            )}
            {(approval.violations ?? []).length > 0 && (
              <ul className="list-disc pl-5 text-xs text-red-800">
                {approval.violations?.map((v) => (
                  <li key={v}>{v}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        <fieldset className="space-y-1">
          <legend className="text-sm font-medium text-slate-700">Outcome</legend>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" value="ACCEPTED" {...form.register("outcome")} /> Accept — the override was justified
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input type="radio" value="FLAGGED" {...form.register("outcome")} /> Flag — needs follow-up
          </label>
        </fieldset>
        <Field
          id="override-review-note"
          label="Note (required)"
          hint={`Recorded in the action's audit trail; up to ${OVERRIDE_REVIEW_NOTE_MAX} characters.`}
          error={noteError}
        >
          <textarea
            id="override-review-note"
            rows={3}
            className={inputClass}
            {...invalidProps("override-review-note", noteError)}
            {...form.register("note")}
          />
        </Field>
        {error && (
          <p
            role="alert"
            data-testid="override-review-error"
            className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
          >
            {error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
