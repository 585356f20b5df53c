"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect } from "react";
import { type FieldValues, useForm, useWatch } from "react-hook-form";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { ACTION_PARAMETER_SCHEMAS, type ActionType } from "@/lib/action-catalog";

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/**
 * The suggestion's parameters as a form, checked against the action catalog's schema of its type
 * as the operator types (docs/behaviour.md#action-catalog): scalar values are editable (a number
 * stays a number, a flag a checkbox), nested ones (runbook args) are kept as suggested.
 * `onChange` gets the parameters when they are valid, undefined while they are not.
 */
export function ParameterFields({
  actionType,
  initial,
  onChange,
}: {
  actionType: ActionType;
  initial: Record<string, unknown>;
  onChange: (parameters: Record<string, unknown> | undefined) => void;
}) {
  const schema = ACTION_PARAMETER_SCHEMAS[actionType];
  const form = useForm<FieldValues>({
    defaultValues: initial,
    resolver: zodResolver(schema as never),
    mode: "onChange",
  });
  const values = useWatch({ control: form.control });

  useEffect(() => {
    const parsed = schema.safeParse({ ...initial, ...values });
    onChange(parsed.success ? (parsed.data as Record<string, unknown>) : undefined);
    // Trigger the resolver so every field's message is current, also for values set programmatically.
    void form.trigger();
  }, [values, initial, schema, onChange, form]);

  const editable = Object.entries(initial).filter(([, v]) => isScalar(v));
  return (
    <fieldset data-testid="parameter-fields" className="space-y-2">
      <legend className="text-xs font-medium text-slate-500">Parameters</legend>
      {editable.map(([key, value]) => {
        const id = `param-${key}`;
        const error = form.formState.errors[key]?.message as string | undefined;
        if (typeof value === "boolean") {
          return (
            <Field key={key} id={id} label={key} error={error}>
              <input id={id} type="checkbox" className="size-4" {...form.register(key)} />
            </Field>
          );
        }
        return (
          <Field key={key} id={id} label={key} error={error}>
            <input
              id={id}
              type={typeof value === "number" ? "number" : "text"}
              className={`${inputClass} font-mono`}
              {...invalidProps(id, error)}
              {...form.register(key, typeof value === "number" ? { valueAsNumber: true } : {})}
            />
          </Field>
        );
      })}
      {Object.entries(initial)
        .filter(([, v]) => !isScalar(v))
        .map(([key, value]) => (
          <p key={key} className="font-mono text-xs break-all text-slate-600">
            {key}={JSON.stringify(value)}
          </p>
        ))}
    </fieldset>
  );
}
