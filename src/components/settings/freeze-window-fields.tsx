"use client";
import type { UseFieldArrayReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import type { PolicyForm } from "./policy-checkboxes";
import type { PolicyFormValues } from "./policy-form";

/** Freeze windows: while one is active for an environment, approvals there need an override. */
export function FreezeWindowFields({
  form,
  windows,
}: {
  form: PolicyForm;
  windows: UseFieldArrayReturn<PolicyFormValues, "freezeWindows">;
}) {
  const errors = form.formState.errors.freezeWindows;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">Freeze windows (times in your browser's time zone)</legend>
      {windows.fields.length === 0 && <p className="text-sm text-slate-500">No freeze windows.</p>}
      {windows.fields.map((field, index) => {
        const e = errors?.[index];
        const id = (name: string) => `freeze-${index}-${name}`;
        return (
          <div
            key={field.id}
            data-testid="freeze-window"
            className="grid gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-[1fr_1fr_1fr_2fr_auto] md:items-end"
          >
            <Field id={id("start")} label="Start" error={e?.start?.message}>
              <input
                id={id("start")}
                type="datetime-local"
                className={inputClass}
                {...invalidProps(id("start"), e?.start?.message)}
                {...form.register(`freezeWindows.${index}.start`)}
              />
            </Field>
            <Field id={id("end")} label="End" error={e?.end?.message}>
              <input
                id={id("end")}
                type="datetime-local"
                className={inputClass}
                {...invalidProps(id("end"), e?.end?.message)}
                {...form.register(`freezeWindows.${index}.end`)}
              />
            </Field>
            <Field id={id("environments")} label="Environments" error={e?.environments?.message}>
              <input
                id={id("environments")}
                className={inputClass}
                {...invalidProps(id("environments"), e?.environments?.message)}
                {...form.register(`freezeWindows.${index}.environments`)}
              />
            </Field>
            <Field id={id("reason")} label="Reason" error={e?.reason?.message}>
              <input
                id={id("reason")}
                className={inputClass}
                {...invalidProps(id("reason"), e?.reason?.message)}
                {...form.register(`freezeWindows.${index}.reason`)}
              />
            </Field>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => windows.remove(index)}
              aria-label={`Remove freeze window ${index + 1}`}
            >
              Remove
            </Button>
          </div>
        );
      })}
      <Button size="sm" onClick={() => windows.append({ start: "", end: "", environments: "production", reason: "" })}>
        Add freeze window
      </Button>
    </fieldset>
  );
}
