"use client";
import { trpc } from "@/lib/trpc";

export function IncidentDetail({ id }: { id: string }) {
  const incident = trpc.incidents.get.useQuery({ id });
  if (incident.isLoading) return <p className="text-sm text-slate-500">Loading incident…</p>;
  if (incident.error)
    return (
      <p role="alert" className="text-sm text-red-700">
        {incident.error.message}
      </p>
    );
  const data = incident.data;
  if (!data) return null;
  return (
    <section aria-labelledby="incident-title" className="space-y-4">
      <h1 id="incident-title" className="text-2xl font-semibold">
        {data.title}
      </h1>
      <p className="text-sm text-slate-600">
        {data.serviceName} · {data.environment} · {data.severity} · {data.status}
      </p>
      {data.summary && <p>{data.summary}</p>}
      <h2 className="font-medium">Diagnosis suggestions</h2>
      <ul className="space-y-2">
        {data.suggestions.map((s) => (
          <li key={s.id} className="rounded border border-slate-200 bg-white p-3 text-sm">
            <span className="font-medium">{s.title}</span>{" "}
            <span className="font-mono text-slate-500">{s.actionType}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
