"use client";
import type { useForm } from "react-hook-form";
import type { PolicyFormValues, PolicyUpdate } from "./policy-form";

export type PolicyForm = ReturnType<typeof useForm<PolicyFormValues, unknown, PolicyUpdate>>;

type CheckboxListName =
  | "requireApprovalSeverities"
  | "requireApprovalActionTypes"
  | "deniedActionTypes"
  | `quorumRules.${number}.severities`
  | `quorumRules.${number}.actionTypes`;

/** A policy list edited as one checkbox per allowed value, with its server or form error below. */
export function PolicyCheckboxes({
  legend,
  name,
  options,
  form,
  error,
}: {
  legend: string;
  name: CheckboxListName;
  options: readonly string[];
  form: PolicyForm;
  error: string | undefined;
}) {
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
        {options.map((option) => (
          <label key={option} className="flex items-center gap-1.5 text-sm">
            <input type="checkbox" value={option} className="size-4" {...form.register(name)} />
            <span className="font-mono text-xs">{option}</span>
          </label>
        ))}
      </div>
      {error && (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      )}
    </fieldset>
  );
}
