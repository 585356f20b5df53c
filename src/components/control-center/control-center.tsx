"use client";
import { trpc } from "@/lib/trpc";

/** Placeholder body until the workflow procedures land: proves the signed-in data path. */
export function ControlCenter() {
  const incidents = trpc.incidents.list.useQuery({ limit: 5 });
  return (
    <section aria-labelledby="cc-title" className="space-y-4">
      <h1 id="cc-title" className="text-2xl font-semibold">
        Remediation Control Center
      </h1>
      <div className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium">Open incidents</h2>
        {incidents.isLoading && <p className="text-sm text-slate-500">Loading…</p>}
        {incidents.error && (
          <p role="alert" className="text-sm text-red-700">
            {incidents.error.message}
          </p>
        )}
        {incidents.data?.length === 0 && <p className="text-sm text-slate-500">No incidents.</p>}
        <ul className="divide-y divide-slate-100">
          {incidents.data?.map((i) => (
            <li key={i.id} className="py-2 text-sm">
              <span className="font-medium">{i.title}</span>{" "}
              <span className="text-slate-500">
                · {i.environment} · {i.severity}
              </span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
