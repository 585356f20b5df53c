"use client";
import Link from "next/link";
import { useState } from "react";
import { IncidentStatusBadge, SeverityBadge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/time";
import { trpc } from "@/lib/trpc";
import { HistoryTimeline } from "./history-timeline";
import { SuggestionList } from "./suggestion-list";

/** Incident investigation (docs/behaviour.md#ui): summary, suggestions to execute, remediation history. */
export function IncidentDetail({ id }: { id: string }) {
  const incident = trpc.incidents.get.useQuery({ id }, { retry: false });
  // The action to highlight after a request: chosen from refetched history, never guessed locally.
  const [highlightId, setHighlightId] = useState<string>();

  if (!incident.data) {
    if (incident.error) {
      return (
        <div className="space-y-4">
          <Link href="/incidents" className="text-sm text-blue-700 hover:underline">
            ← Incidents
          </Link>
          <ErrorState
            error={incident.error}
            onRetry={incident.error.data?.code === "NOT_FOUND" ? undefined : () => incident.refetch()}
          />
        </div>
      );
    }
    return <LoadingState label="Loading incident…" minHeight="12rem" />;
  }
  const data = incident.data;
  return (
    <div className="space-y-5">
      <div>
        <Link href="/incidents" className="text-sm text-blue-700 hover:underline">
          ← Incidents
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">{data.title}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <SeverityBadge severity={data.severity} />
          <IncidentStatusBadge status={data.status} />
          <span>
            Service <span className="font-medium text-slate-800">{data.serviceName}</span>
          </span>
          <span>
            Environment <span className="font-mono text-slate-800">{data.environment}</span>
          </span>
          <span>
            Opened <RelativeTime value={data.createdAt} />
          </span>
          <Link href={`/control-center?incidentId=${data.id}`} className="text-blue-700 hover:underline">
            All actions of this incident
          </Link>
          {data.externalId && <span className="font-mono">{data.externalId}</span>}
        </div>
        {data.summary && <p className="mt-3 max-w-3xl text-sm text-slate-700">{data.summary}</p>}
      </div>
      <div className="grid gap-5 xl:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card title="Diagnosis suggestions" headingId="suggestions-title">
          <SuggestionList incident={data} onRequested={setHighlightId} />
        </Card>
        <Card title="Remediation history" headingId="history-title">
          <HistoryTimeline incidentId={data.id} highlightId={highlightId} />
        </Card>
      </div>
    </div>
  );
}
