"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { Incident, Suggestion } from "@/components/remediation/types";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { Badge, SeverityBadge, StatusPill } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { failureMessage, toastFailure } from "@/components/ui/failure";
import { RelativeTime } from "@/components/ui/time";
import { toast } from "@/components/ui/toast";
import { mapSuggestionToAction, UNMAPPABLE_SUGGESTION_MESSAGE } from "@/lib/action-catalog";
import { SERVICE_CONFLICTS_LIMIT } from "@/lib/action-request";
import { trpc } from "@/lib/trpc";
import { type RemediationRequestBody, suggestionToRequest } from "./map-suggestion";
import { ParameterFields } from "./parameter-fields";
import { matchedRules, unmappableReason } from "./preflight";

const OUTCOME_TEXT = {
  QUEUED: "Will be queued for execution",
  PENDING_APPROVAL: "Will wait for approval",
  BLOCKED: "Denied by policy",
} as const;
const OUTCOME_TONE = { QUEUED: "green", PENDING_APPROVAL: "amber", BLOCKED: "red" } as const;

/** The policy preview follows the parameters as they are edited, once typing pauses. */
const PREVIEW_DEBOUNCE_MS = 250;

/** The policy's answer for `body`, re-asked whenever the body changes (nothing is stored). */
function usePolicyPreview(body: RemediationRequestBody | undefined) {
  const preview = trpc.policy.evaluate.useMutation();
  const { mutate: evaluate, reset } = preview;
  const key = body ? JSON.stringify(body) : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` is the body's value; `body` itself is a new object per edit.
  useEffect(() => {
    reset();
    if (!body) return;
    const timer = setTimeout(() => evaluate(body), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, evaluate, reset]);
  return preview;
}

/** Unfinished actions on the same service and environment: what this request would run alongside. */
function ConflictWarning({ serviceName, environment }: { serviceName: string; environment: string }) {
  const conflicts = trpc.ui.serviceConflicts.useQuery({ serviceName, environment }, { staleTime: 5_000 });
  const rows = conflicts.data ?? [];
  if (rows.length === 0) return null;
  const shown = rows.slice(0, SERVICE_CONFLICTS_LIMIT);
  return (
    <div data-testid="conflict-warning" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
      <p className="text-xs font-semibold">
        {rows.length > SERVICE_CONFLICTS_LIMIT ? `More than ${SERVICE_CONFLICTS_LIMIT}` : rows.length} other{" "}
        {rows.length === 1 ? "action is" : "actions are"} not finished on {serviceName} in {environment}:
      </p>
      <ul className="mt-1 space-y-1">
        {shown.map((a) => (
          <li
            key={a.id}
            data-testid="conflict"
            data-action-id={a.id}
            className="flex flex-wrap items-center gap-2 text-xs"
          >
            <StatusPill status={a.status} />
            <Link href={`/actions/${a.id}`} className="font-mono text-blue-800 hover:underline">
              {a.actionType}
            </Link>
            <RelativeTime value={a.createdAt} className="text-amber-900" />
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Execute → confirm → request, as a pre-flight check (docs/behaviour.md#operator-ui). The
 * suggestion is mapped through the action catalog; its parameters are editable within the
 * catalog's schema; the policy preview follows them, and a request the policy would refuse
 * cannot be sent (the matching rule is named). Unfinished actions on the same service are shown
 * as a conflict. An unmappable suggestion says why and sends nothing. Success is "request
 * created", never "fixed": the history is refetched and its newest row highlighted. On error the
 * dialog stays open.
 */
export function ExecuteDialog({
  incident,
  suggestion,
  onOpenChange,
  onRequested,
}: {
  incident: Incident;
  suggestion: Suggestion | null;
  onOpenChange: (open: boolean) => void;
  onRequested: (newestActionId: string | undefined) => void;
}) {
  const [mappingError, setMappingError] = useState<string>();
  const request = trpc.remediation.request.useMutation();
  const utils = trpc.useUtils();
  const refresh = useRefreshRemediation();
  const mapped = useMemo(() => (suggestion ? mapSuggestionToAction(suggestion) : undefined), [suggestion]);
  const reason = useMemo(
    () => (suggestion && !mapped ? unmappableReason(suggestion) : undefined),
    [suggestion, mapped],
  );
  // The operator's parameters: undefined while the form holds a value outside the schema.
  const [parameters, setParameters] = useState<Record<string, unknown> | undefined>();
  const body = useMemo(
    () => (suggestion && mapped && parameters ? suggestionToRequest(incident, suggestion, parameters) : undefined),
    [incident, suggestion, mapped, parameters],
  );
  const preview = usePolicyPreview(body);

  const { reset: resetRequest } = request;
  useEffect(() => {
    setMappingError(undefined);
    setParameters(mapped?.parameters);
    resetRequest();
  }, [mapped, resetRequest]);

  async function confirm() {
    if (!mapped) {
      setMappingError(UNMAPPABLE_SUGGESTION_MESSAGE);
      toast.error(UNMAPPABLE_SUGGESTION_MESSAGE);
      return;
    }
    if (!body) return;
    try {
      const { action } = await request.mutateAsync(body);
      await refresh();
      const history = utils.remediation.history.getData({ incidentId: incident.id }) ?? [];
      const newest = history.reduce<(typeof history)[number] | undefined>(
        (best, row) => (!best || row.createdAt > best.createdAt ? row : best),
        undefined,
      );
      toast.success(`Remediation requested: ${action.actionType} is ${action.status}`);
      onRequested(newest?.id);
    } catch (error) {
      toastFailure("Remediation request failed", error, confirm);
    }
  }

  const verdict = preview.data;
  const refused = verdict?.outcome === "BLOCKED";
  const rules = verdict ? matchedRules(verdict.detail) : undefined;
  return (
    <Dialog
      open={suggestion !== null}
      onOpenChange={onOpenChange}
      title="Execute suggested remediation?"
      description={suggestion ? suggestion.title : undefined}
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button
            variant="primary"
            onClick={confirm}
            busy={request.isPending}
            disabled={mappingError !== undefined || (mapped !== undefined && (!body || refused))}
            title={refused ? `Refused by policy: ${rules ?? verdict.detail}` : undefined}
          >
            Request remediation
          </Button>
        </>
      }
    >
      {suggestion && (
        <div className="space-y-3 text-sm">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            <dt className="text-slate-500">Action</dt>
            <dd className="font-mono">{suggestion.actionType}</dd>
            <dt className="text-slate-500">Environment</dt>
            <dd className="font-mono">{incident.environment}</dd>
            <dt className="text-slate-500">Severity</dt>
            <dd>
              <SeverityBadge severity={incident.severity} />
            </dd>
          </dl>
          {mapped ? (
            <ParameterFields
              key={suggestion.id}
              actionType={mapped.actionType}
              initial={mapped.parameters}
              onChange={setParameters}
            />
          ) : (
            <div
              data-testid="unmappable-reason"
              className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-slate-800"
            >
              <p className="font-medium">The action catalog cannot execute this suggestion as it stands:</p>
              <p className="mt-0.5 font-mono text-xs">{reason}</p>
            </div>
          )}
          {body && (
            <div data-testid="policy-preview" className="rounded-md border border-slate-200 bg-slate-50 p-3">
              <p className="text-xs font-medium text-slate-500">Policy preview</p>
              {verdict ? (
                <>
                  <p className="mt-1">
                    <Badge tone={OUTCOME_TONE[verdict.outcome]}>{verdict.outcome}</Badge>{" "}
                    <span className="text-slate-700">{OUTCOME_TEXT[verdict.outcome]}</span>
                  </p>
                  <p className="mt-1 text-xs text-slate-600">{verdict.detail}</p>
                </>
              ) : (
                <p className="mt-1 text-xs text-slate-500">{preview.error ? preview.error.message : "Evaluating…"}</p>
              )}
            </div>
          )}
          {refused && (
            <p data-testid="preflight-refusal" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
              The policy would refuse this request, so it cannot be sent. Matched rule:{" "}
              <span className="font-mono" data-testid="matched-rule">
                {rules ?? verdict.detail}
              </span>
            </p>
          )}
          {body?.serviceName && <ConflictWarning serviceName={body.serviceName} environment={body.environment} />}
          {mappingError && (
            <p role="alert" data-testid="mapping-error" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
              {mappingError}
            </p>
          )}
          {request.error && (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800">
              {failureMessage(request.error)}
            </p>
          )}
        </div>
      )}
    </Dialog>
  );
}
