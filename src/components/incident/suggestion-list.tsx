"use client";
import { useState } from "react";
import type { Incident, Suggestion } from "@/components/remediation/types";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { formatParameters } from "@/components/ui/format";
import { EmptyState } from "@/components/ui/states";
import { ExecuteDialog } from "./execute-dialog";
import { unmappableReason } from "./preflight";

export function SuggestionList({
  incident,
  onRequested,
}: {
  incident: Incident;
  onRequested: (actionId: string | undefined) => void;
}) {
  const canRequest = useCan("remediation:request");
  const [selected, setSelected] = useState<Suggestion | null>(null);
  if (incident.suggestions.length === 0) return <EmptyState title="No diagnosis suggestions for this incident." />;
  return (
    <>
      <ul aria-label="Diagnosis suggestions" className="space-y-2">
        {incident.suggestions.map((s) => {
          // Why the catalog cannot execute it; such a suggestion gets no primary Execute button.
          const reason = unmappableReason(s);
          return (
            <li
              key={s.id}
              data-testid="suggestion"
              className="flex flex-wrap items-start justify-between gap-3 rounded-md border border-slate-200 p-3"
            >
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">{s.title}</p>
                {s.description && <p className="mt-0.5 text-sm text-slate-600">{s.description}</p>}
                <p className="mt-1 font-mono text-xs break-all text-slate-500">
                  {s.actionType} · {formatParameters(s.parameters)}
                </p>
                {s.confidence !== null && (
                  <p className="mt-1 text-xs text-slate-500">Confidence {Math.round(s.confidence * 100)}%</p>
                )}
                {reason && (
                  <p data-testid="suggestion-unmappable" className="mt-1 text-xs text-amber-900">
                    Not executable as suggested: <span className="font-mono">{reason}</span>
                  </p>
                )}
              </div>
              {canRequest && (
                <Button
                  size="sm"
                  variant={reason ? "secondary" : "primary"}
                  onClick={() => setSelected(s)}
                  aria-label={`Execute: ${s.title}`}
                  title={reason ? "Opens the request; the catalog cannot execute it as suggested" : undefined}
                >
                  Execute
                </Button>
              )}
            </li>
          );
        })}
      </ul>
      <ExecuteDialog
        incident={incident}
        suggestion={selected}
        onOpenChange={(open) => !open && setSelected(null)}
        onRequested={(id) => {
          setSelected(null);
          onRequested(id);
        }}
      />
    </>
  );
}
