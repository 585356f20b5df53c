"use client";
import { useFieldArray } from "react-hook-form";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { ACTION_TYPES } from "@/lib/action-catalog";
import { SEVERITIES } from "@/lib/schemas";
import { ApprovalGovernanceFields } from "./approval-governance-fields";
import { FreezeWindowFields } from "./freeze-window-fields";
import { PolicyCheckboxes, type PolicyForm } from "./policy-checkboxes";

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
      <PolicyCheckboxes
        legend="Severities that require approval"
        name="requireApprovalSeverities"
        options={SEVERITIES}
        form={form}
        error={form.formState.errors.requireApprovalSeverities?.message}
      />
      <PolicyCheckboxes
        legend="Action types that require approval"
        name="requireApprovalActionTypes"
        options={ACTION_TYPES}
        form={form}
        error={form.formState.errors.requireApprovalActionTypes?.message}
      />
      <PolicyCheckboxes
        legend="Denied action types (refused with 422)"
        name="deniedActionTypes"
        options={ACTION_TYPES}
        form={form}
        error={form.formState.errors.deniedActionTypes?.message}
      />
      <FreezeWindowFields form={form} windows={windows} />
      <ApprovalGovernanceFields form={form} rules={quorumRules} />
    </>
  );
}
