"use client";
import type { UseFieldArrayReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { ACTION_TYPES } from "@/lib/action-catalog";
import { SEVERITIES } from "@/lib/schemas";
import { ApprovalReminderFields } from "./approval-reminder-fields";
import { PolicyCheckboxes, type PolicyForm } from "./policy-checkboxes";
import { NEW_QUORUM_RULE, type PolicyFormValues } from "./policy-form";

const MAX_QUORUM_RULES = 20;

export function ApprovalGovernanceFields({
  form,
  rules,
}: {
  form: PolicyForm;
  rules: UseFieldArrayReturn<PolicyFormValues, "quorumRules">;
}) {
  const { errors } = form.formState;
  const separationOfDuties = form.watch("separationOfDuties");
  const neverExpires = form.watch("pendingApprovalNeverExpires");
  return (
    <div className="space-y-4">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Quorum rules</legend>
        <p className="text-xs text-slate-500">
          An action matching a rule needs that many approvals from different people; with several matching rules the
          largest number counts, with none it needs one. A blank list matches every value.
        </p>
        {rules.fields.length === 0 && (
          <p className="text-sm text-slate-500">No quorum rules: one approval is enough.</p>
        )}
        {rules.fields.map((field, index) => {
          const e = errors.quorumRules?.[index];
          const id = (name: string) => `quorum-${index}-${name}`;
          return (
            <div
              key={field.id}
              data-testid="quorum-rule"
              className="grid gap-3 rounded-md border border-slate-200 p-3 md:grid-cols-[2fr_1fr_auto] md:items-start"
            >
              <Field
                id={id("environments")}
                label="Environments"
                hint="Comma-separated; blank = all."
                error={e?.environments?.message}
              >
                <input
                  id={id("environments")}
                  className={inputClass}
                  {...invalidProps(id("environments"), e?.environments?.message)}
                  {...form.register(`quorumRules.${index}.environments`)}
                />
              </Field>
              <Field id={id("approvals")} label="Approvals required" error={e?.approvals?.message}>
                <input
                  id={id("approvals")}
                  type="number"
                  min={1}
                  max={5}
                  className={inputClass}
                  {...invalidProps(id("approvals"), e?.approvals?.message)}
                  {...form.register(`quorumRules.${index}.approvals`)}
                />
              </Field>
              <Button
                size="sm"
                variant="ghost"
                className="md:mt-6"
                onClick={() => rules.remove(index)}
                aria-label={`Remove quorum rule ${index + 1}`}
              >
                Remove
              </Button>
              <div className="space-y-2 md:col-span-3">
                <PolicyCheckboxes
                  legend="Severities (none ticked = all)"
                  name={`quorumRules.${index}.severities`}
                  options={SEVERITIES}
                  form={form}
                  error={e?.severities?.message}
                />
                <PolicyCheckboxes
                  legend="Action types (none ticked = all)"
                  name={`quorumRules.${index}.actionTypes`}
                  options={ACTION_TYPES}
                  form={form}
                  error={e?.actionTypes?.message}
                />
              </div>
            </div>
          );
        })}
        <Button
          size="sm"
          onClick={() => rules.append({ ...NEW_QUORUM_RULE })}
          disabled={rules.fields.length >= MAX_QUORUM_RULES}
        >
          Add quorum rule
        </Button>
      </fieldset>

      <div>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-700">
          <input type="checkbox" className="size-4" {...form.register("separationOfDuties")} />
          Separation of duties: the requester of an action cannot approve it
        </label>
        {separationOfDuties === false && (
          <p
            role="alert"
            data-testid="separation-of-duties-warning"
            className="mt-1 rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900"
          >
            With separation of duties off, requesters could approve their own changes — one person could request and
            approve a production fix alone, which auditors flag.
          </p>
        )}
        {errors.separationOfDuties?.message && (
          <p role="alert" className="mt-1 text-xs text-red-700">
            {errors.separationOfDuties.message}
          </p>
        )}
      </div>

      <div className="grid gap-2 md:grid-cols-[minmax(0,16rem)_auto] md:items-end">
        <Field
          id="pendingApprovalTtlMinutes"
          label="Pending approvals expire after (minutes)"
          hint="5 to 43200 (30 days); an expired action is rejected by the system."
          error={errors.pendingApprovalTtlMinutes?.message}
        >
          <input
            id="pendingApprovalTtlMinutes"
            type="number"
            min={5}
            max={43_200}
            disabled={neverExpires}
            className={inputClass}
            {...invalidProps("pendingApprovalTtlMinutes", errors.pendingApprovalTtlMinutes?.message)}
            {...form.register("pendingApprovalTtlMinutes")}
          />
        </Field>
        <label className="flex items-center gap-2 pb-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="size-4"
            {...form.register("pendingApprovalNeverExpires", {
              // A disabled minutes field no longer counts: its old message would only confuse.
              onChange: () => form.clearErrors("pendingApprovalTtlMinutes"),
            })}
          />
          Never expires
        </label>
      </div>

      <Field
        id="overrideReviewHours"
        label="Override review within (hours)"
        hint="1 to 168. Every guardrail override needs a second approver's review; past this it is reported overdue."
        error={errors.overrideReviewHours?.message}
      >
        <input
          id="overrideReviewHours"
          type="number"
          min={1}
          max={168}
          className={`${inputClass} max-w-64`}
          {...invalidProps("overrideReviewHours", errors.overrideReviewHours?.message)}
          {...form.register("overrideReviewHours")}
        />
      </Field>
      <ApprovalReminderFields form={form} />
    </div>
  );
}
