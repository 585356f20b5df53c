"use client";
import Link from "next/link";
import { trpc } from "@/lib/trpc";

export function IncidentList() {
  const incidents = trpc.incidents.list.useQuery({ limit: 100 });
  return (
    <section aria-labelledby="incidents-title" className="space-y-4">
      <h1 id="incidents-title" className="text-2xl font-semibold">
        Incidents
      </h1>
      {incidents.isLoading && <p className="text-sm text-slate-500">Loading incidents…</p>}
      {incidents.error && (
        <p role="alert" className="text-sm text-red-700">
          {incidents.error.message}
        </p>
      )}
      {incidents.data?.length === 0 && <p className="text-sm text-slate-500">No incidents yet.</p>}
      <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
        {incidents.data?.map((i) => (
          <li key={i.id} className="px-4 py-3 text-sm">
            <Link href={`/incidents/${i.id}`} className="font-medium text-blue-700 hover:underline">
              {i.title}
            </Link>{" "}
            <span className="text-slate-500">
              · {i.serviceName} · {i.environment} · {i.severity} · {i.status}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
