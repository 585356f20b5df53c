"use client";
import { type FormEvent, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, inputClass } from "@/components/ui/field";
import { ACTION_TYPES, type ActionType } from "@/lib/action-catalog";
import { SEVERITIES, type Severity } from "@/lib/schemas";
import { trpc } from "@/lib/trpc";
import { serverIssues } from "./server-issues";

// policy.evaluate validates a request body but never looks the incident up: any UUID will do.
const DRY_RUN_INCIDENT_ID = "00000000-0000-4000-8000-000000000000";
const OUTCOME_TONE = { QUEUED: "green", PENDING_APPROVAL: "amber", BLOCKED: "red" } as const;

/** "What would happen if…": POST /remediation/policy/evaluate with the saved policy; stores nothing. */
export function PolicyDryRun() {
  const [actionType, setActionType] = useState<ActionType>("restart-service");
  const [parametersText, setParametersText] = useState('{ "service": "api-gateway" }');
  const [environment, setEnvironment] = useState("production");
  const [severity, setSeverity] = useState<Severity>("HIGH");
  const [jsonError, setJsonError] = useState<string>();
  const evaluate = trpc.policy.evaluate.useMutation();

  function run(event: FormEvent) {
    event.preventDefault();
    let parameters: Record<string, unknown>;
    try {
      parameters = JSON.parse(parametersText);
      setJsonError(undefined);
    } catch {
      setJsonError("Parameters must be a JSON object");
      return;
    }
    evaluate.mutate({
      incidentId: DRY_RUN_INCIDENT_ID,
      actionType,
      parameters,
      environment: environment.trim(),
      severity,
    });
  }

  const issues = serverIssues(evaluate.error);
  const result = evaluate.data;
  return (
    <Card title="Policy dry run" headingId="dry-run-title">
      <form onSubmit={run} aria-label="Policy dry run" className="grid gap-3 sm:grid-cols-2">
        <Field id="dry-action-type" label="Action type">
          <select
            id="dry-action-type"
            className={inputClass}
            value={actionType}
            onChange={(e) => setActionType(e.target.value as ActionType)}
          >
            {ACTION_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field id="dry-severity" label="Severity">
          <select
            id="dry-severity"
            className={inputClass}
            value={severity}
            onChange={(e) => setSeverity(e.target.value as Severity)}
          >
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field id="dry-environment" label="Environment">
          <input
            id="dry-environment"
            className={inputClass}
            value={environment}
            onChange={(e) => setEnvironment(e.target.value)}
          />
        </Field>
        <Field id="dry-parameters" label="Parameters (JSON)" error={jsonError}>
          <input
            id="dry-parameters"
            className={`${inputClass} font-mono`}
            value={parametersText}
            onChange={(e) => setParametersText(e.target.value)}
          />
        </Field>
        <div className="sm:col-span-2">
          <Button type="submit" busy={evaluate.isPending}>
            Evaluate
          </Button>
        </div>
      </form>
      <div aria-live="polite" className="mt-3">
        {result && (
          <div
            data-testid="dry-run-result"
            data-outcome={result.outcome}
            className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm"
          >
            <p>
              Outcome <Badge tone={OUTCOME_TONE[result.outcome]}>{result.outcome}</Badge>
            </p>
            {result.violations.length > 0 && (
              <ul className="list-disc pl-5 text-red-800">
                {result.violations.map((v) => (
                  <li key={v}>{v}</li>
                ))}
              </ul>
            )}
            <p data-testid="dry-run-detail" className="text-slate-700">
              {result.detail}
            </p>
          </div>
        )}
        {evaluate.error && (
          <div role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            <p>{evaluate.error.message}</p>
            {issues.length > 0 && (
              <ul className="mt-1 list-disc pl-5">
                {issues.map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    <span className="font-mono">{i.path}</span>: {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
