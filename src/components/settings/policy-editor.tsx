"use client";
import { useEffect } from "react";
import { useFieldArray, useForm } from "react-hook-form";
import { toast } from "sonner";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { QueryState } from "@/components/ui/states";
import { ACTION_TYPES } from "@/lib/action-catalog";
import { SEVERITIES } from "@/lib/schemas";
import { trpc } from "@/lib/trpc";
import { ApprovalGovernanceFields } from "./approval-governance-fields";
import { FreezeWindowFields } from "./freeze-window-fields";
import { formFieldOf, type PolicyFormValues, type PolicyUpdate, policyResolver, policyToForm } from "./policy-form";
import { messageOf, serverIssues } from "./server-issues";

function CheckboxGroup({
  legend,
  name,
  options,
  form,
}: {
  legend: string;
  name: "requireApprovalSeverities" | "requireApprovalActionTypes" | "deniedActionTypes";
  options: readonly string[];
  form: ReturnType<typeof useForm<PolicyFormValues, unknown, PolicyUpdate>>;
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

/**
 * The organization policy (docs/behaviour.md#policy): approval rules, guardrails, freeze windows
 * and approval governance (quorum, separation of duties, expiry).
 */
export function PolicyEditor() {
  const canEdit = useCan("policy:update");
  const policy = trpc.policy.get.useQuery();
  const utils = trpc.useUtils();
  const update = trpc.policy.update.useMutation();
  const form = useForm<PolicyFormValues, unknown, PolicyUpdate>({ resolver: policyResolver });
  const windows = useFieldArray({ control: form.control, name: "freezeWindows" });
  const quorumRules = useFieldArray({ control: form.control, name: "quorumRules" });
  const { errors } = form.formState;

  const saved = policy.data;
  useEffect(() => {
    if (saved) form.reset(policyToForm(saved));
  }, [saved, form]);

  const submit = form.handleSubmit(async (input) => {
    try {
      await update.mutateAsync(input);
      toast.success("Policy saved");
      await utils.policy.get.invalidate();
    } catch (error) {
      const issues = serverIssues(error);
      for (const issue of issues) form.setError(formFieldOf(issue.path) as "root", { message: issue.message });
      if (issues.length === 0) toast.error("Could not save the policy", { description: messageOf(error) });
    }
  });

  return (
    <Card title="Remediation policy" headingId="policy-title">
      <QueryState query={policy} loadingLabel="Loading policy…">
        {() => (
          <form onSubmit={submit} noValidate aria-label="Policy" className="space-y-4">
            <fieldset disabled={!canEdit || update.isPending} className="space-y-4">
              <div className="grid gap-4 md:grid-cols-2">
                <Field
                  id="requireApprovalEnvironments"
                  label="Environments that require approval"
                  hint="Comma-separated slugs."
                  error={errors.requireApprovalEnvironments?.message}
                >
                  <input
                    id="requireApprovalEnvironments"
                    className={inputClass}
                    {...invalidProps("requireApprovalEnvironments", errors.requireApprovalEnvironments?.message)}
                    {...form.register("requireApprovalEnvironments")}
                  />
                </Field>
                <Field
                  id="blockedEnvironments"
                  label="Blocked environments (guardrail)"
                  hint="Approvals need an override reason."
                  error={errors.blockedEnvironments?.message}
                >
                  <input
                    id="blockedEnvironments"
                    className={inputClass}
                    {...invalidProps("blockedEnvironments", errors.blockedEnvironments?.message)}
                    {...form.register("blockedEnvironments")}
                  />
                </Field>
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
            </fieldset>
            {errors.root?.message && (
              <p role="alert" className="text-sm text-red-700">
                {errors.root.message}
              </p>
            )}
            {canEdit && (
              <Button type="submit" variant="primary" busy={update.isPending}>
                Save policy
              </Button>
            )}
          </form>
        )}
      </QueryState>
    </Card>
  );
}
