"use client";
import { useFieldArray, type useForm } from "react-hook-form";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { ACTION_TYPES } from "@/lib/action-catalog";
import { SEVERITIES } from "@/lib/schemas";
import { ApprovalGovernanceFields } from "./approval-governance-fields";
import { FreezeWindowFields } from "./freeze-window-fields";
import type { PolicyFormValues, PolicyUpdate } from "./policy-form";

type PolicyForm = ReturnType<typeof useForm<PolicyFormValues, unknown, PolicyUpdate>>;

function CheckboxGroup({
  legend,
  name,
  options,
  form,
}: {
  legend: string;
  name: "requireApprovalSeverities" | "requireApprovalActionTypes" | "deniedActionTypes";
  options: readonly string[];
  form: PolicyForm;
}) {
  const error = form.formState.errors[name]?.message;
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

function ListInput({
  form,
  name,
  label,
  hint,
}: {
  form: PolicyForm;
  name: "requireApprovalEnvironments" | "blockedEnvironments";
  label: string;
  hint: string;
}) {
  const error = form.formState.errors[name]?.message;
  return (
    <Field id={name} label={label} hint={hint} error={error}>
      <input id={name} className={inputClass} {...invalidProps(name, error)} {...form.register(name)} />
    </Field>
  );
}

/** The policy's inputs (docs/behaviour.md#policy): approval rules, guardrails, freeze windows, governance. */
export function PolicyFields({ form }: { form: PolicyForm }) {
  const windows = useFieldArray({ control: form.control, name: "freezeWindows" });
  const quorumRules = useFieldArray({ control: form.control, name: "quorumRules" });
  return (
    <>
      <div className="grid gap-4 md:grid-cols-2">
        <ListInput
          form={form}
          name="requireApprovalEnvironments"
          label="Environments that require approval"
          hint="Comma-separated slugs."
        />
        <ListInput
          form={form}
          name="blockedEnvironments"
          label="Blocked environments (guardrail)"
          hint="Approvals need an override reason."
        />
      </div>
      <CheckboxGroup
        legend="Severities that require approval"
        name="requireApprovalSeverities"
        options={SEVERITIES}
        form={form}
      />
      <CheckboxGroup
        legend="Action types that require approval"
        name="requireApprovalActionTypes"
        options={ACTION_TYPES}
        form={form}
      />
      <CheckboxGroup
        legend="Denied action types (refused with 422)"
        name="deniedActionTypes"
        options={ACTION_TYPES}
        form={form}
      />
      <FreezeWindowFields form={form} windows={windows} />
      <ApprovalGovernanceFields form={form} rules={quorumRules} />
    </>
  );
}
