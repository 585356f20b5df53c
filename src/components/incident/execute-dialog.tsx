"use client";
import { useEffect, useMemo, useState } from "react";
import { toast } from "sonner";
import type { Incident, Suggestion } from "@/components/remediation/types";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { failureMessage, toastFailure } from "@/components/ui/failure";
import { formatParameters } from "@/components/ui/format";
import { UNMAPPABLE_SUGGESTION_MESSAGE } from "@/lib/action-catalog";
import { trpc } from "@/lib/trpc";
import { suggestionToRequest } from "./map-suggestion";

const OUTCOME_TEXT = {
  QUEUED: "Will be queued for execution",
  PENDING_APPROVAL: "Will wait for approval",
  BLOCKED: "Denied by policy",
} as const;
const OUTCOME_TONE = { QUEUED: "green", PENDING_APPROVAL: "amber", BLOCKED: "red" } as const;

/**
 * Execute → confirm → request (docs/behaviour.md#ui). The suggestion is mapped through the action catalog
 * on confirm; an unmappable one sends nothing. Success is "request created", never "fixed": the
 * history is refetched and its newest row highlighted. On error the dialog stays open.
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
  const preview = trpc.policy.evaluate.useMutation();
  const utils = trpc.useUtils();
  const refresh = useRefreshRemediation();
  const body = useMemo(
    () => (suggestion ? suggestionToRequest(incident, suggestion) : undefined),
    [incident, suggestion],
  );

  const { mutate: evaluate, reset: resetPreview } = preview;
  const { reset: resetRequest } = request;
  useEffect(() => {
    setMappingError(undefined);
    resetRequest();
    resetPreview();
    if (body) evaluate(body);
  }, [body, evaluate, resetPreview, resetRequest]);

  async function confirm() {
    if (!body) {
      setMappingError(UNMAPPABLE_SUGGESTION_MESSAGE);
      toast.error(UNMAPPABLE_SUGGESTION_MESSAGE);
      return;
    }
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
  return (
    <Dialog
      open={suggestion !== null}
      onOpenChange={onOpenChange}
      title="Execute suggested remediation?"
      description={suggestion ? suggestion.title : undefined}
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button variant="primary" onClick={confirm} busy={request.isPending} disabled={mappingError !== undefined}>
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
            <dt className="text-slate-500">Parameters</dt>
            <dd className="font-mono break-all">{formatParameters(suggestion.parameters)}</dd>
            <dt className="text-slate-500">Environment</dt>
            <dd className="font-mono">{incident.environment}</dd>
            <dt className="text-slate-500">Severity</dt>
            <dd>{incident.severity}</dd>
          </dl>
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
