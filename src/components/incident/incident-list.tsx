"use client";
import Link from "next/link";
import { parseAsStringLiteral, useQueryState } from "nuqs";
import { IncidentStatusBadge, SeverityBadge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { trpc } from "@/lib/trpc";

const INCIDENT_STATUSES = ["OPEN", "RESOLVED"] as const;

export function IncidentList() {
  // In the URL (`?status=OPEN`, the REST query's name), so the view can be shared.
  const [statusParam, setStatusParam] = useQueryState(
    "status",
    parseAsStringLiteral(INCIDENT_STATUSES).withOptions({ history: "push" }),
  );
  const status = statusParam ?? "";
  const incidents = trpc.incidents.list.useQuery(
    { limit: 200, ...(status && { status }) },
    { refetchInterval: 15_000, placeholderData: (prev) => prev },
  );
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Incidents</h1>
      <Card
        title="Incidents (newest first)"
        headingId="incidents-title"
        actions={
          <select
            aria-label="Incident status filter"
            className={`${inputClass} w-40`}
            value={status}
            onChange={(e) =>
              void setStatusParam(e.target.value === "" ? null : (e.target.value as (typeof INCIDENT_STATUSES)[number]))
            }
          >
            <option value="">All</option>
            <option value="OPEN">Open</option>
            <option value="RESOLVED">Resolved</option>
          </select>
        }
      >
        <QueryState
          query={incidents}
          loadingLabel="Loading incidents…"
          isEmpty={(rows) => rows.length === 0}
          empty={<EmptyState title="No incidents yet.">Incidents arrive through POST /incidents.</EmptyState>}
        >
          {(rows) => (
            <Table label="Incidents">
              <thead>
                <tr>
                  <Th>Title</Th>
                  <Th>Service</Th>
                  <Th>Environment</Th>
                  <Th>Severity</Th>
                  <Th>Status</Th>
                  <Th>Opened</Th>
                </tr>
              </thead>
              <tbody>
                {rows.map((i) => (
                  <tr key={i.id} data-testid="incident-row">
                    <Td>
                      <Link href={`/incidents/${i.id}`} className="font-medium text-blue-700 hover:underline">
                        {i.title}
                      </Link>
                    </Td>
                    <Td>{i.serviceName}</Td>
                    <Td className="font-mono text-xs">{i.environment}</Td>
                    <Td>
                      <SeverityBadge severity={i.severity} />
                    </Td>
                    <Td>
                      <IncidentStatusBadge status={i.status} />
                    </Td>
                    <Td className="whitespace-nowrap text-xs text-slate-600">
                      <RelativeTime value={i.createdAt} />
                    </Td>
                  </tr>
                ))}
              </tbody>
            </Table>
          )}
        </QueryState>
      </Card>
    </div>
  );
}
