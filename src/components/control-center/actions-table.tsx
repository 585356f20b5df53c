"use client";
import Link from "next/link";
import { parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import { useEffect, useState } from "react";
import { ActionLabel } from "@/components/remediation/action-label";
import { useMemberNames } from "@/components/remediation/use-members";
import { ACTION_STATUS_LIST, SeverityBadge, StatusPill } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { inputClass } from "@/components/ui/field";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { RelativeTime } from "@/components/ui/time";
import { UrlState, useUrlField, writeSearchParams } from "@/components/ui/url-state";
import { trpc } from "@/lib/trpc";
import { usePolling } from "./poll";

const LIMIT = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The table's filters live in the URL (`?status=&environment=&incidentId=`, the REST query's
 * names), so a link reproduces the view and back/forward steps through filter changes. The fields
 * write the URL as they change (useUrlField); the table follows the environment field once the
 * operator pauses typing.
 */
const FILTERS = {
  status: parseAsStringLiteral(ACTION_STATUS_LIST),
  environment: parseAsString.withDefault(""),
  incidentId: parseAsString,
};

function useUrlFilters() {
  return useQueryStates(FILTERS)[0];
}

/** `/remediation/export/csv` with the table's filters; the REST adapter accepts the session cookie. */
function exportCsvHref(status: string, environment: string): string {
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (environment) params.set("environment", environment);
  const query = params.toString();
  return `/remediation/export/csv${query ? `?${query}` : ""}`;
}

/** How long the typed environment must stay unchanged before the table is filtered by it. */
const TYPING_PAUSE_MS = 300;

/** `value`, once it has stayed the same for `ms`. */
function useSettled(value: string, ms: number): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * The environment filter, checked with the API's own slug schema before it is sent (no 400s while
 * typing). The schema module is loaded on first use: zod stays out of the page's first load.
 */
function useEnvironmentFilter(text: string): { environment: string; environmentError: string | undefined } {
  const [checked, setChecked] = useState<{ environment: string; environmentError: string | undefined }>({
    environment: "",
    environmentError: undefined,
  });
  useEffect(() => {
    const value = text.trim();
    if (value === "") return setChecked({ environment: "", environmentError: undefined });
    let current = true;
    void import("@/lib/schemas").then(({ environmentSchema }) => {
      if (!current) return;
      const result = environmentSchema.safeParse(value);
      setChecked((prev) =>
        result.success
          ? { environment: value, environmentError: undefined }
          : { environment: prev.environment, environmentError: result.error.issues[0]?.message },
      );
    });
    return () => {
      current = false;
    };
  }, [text]);
  return checked;
}

/** The filtered incident by its title (the row data carries it; the incident read is cached). */
function IncidentFilterTitle({ id }: { id: string }) {
  const incident = trpc.incidents.get.useQuery({ id }, { retry: false, staleTime: 60_000 });
  return (
    <Link href={`/incidents/${id}`} className="font-medium text-blue-700 hover:underline">
      {incident.data?.title ?? (incident.error ? "unknown incident" : "…")}
    </Link>
  );
}

/** The table with its filters in the URL (loaded after the page: src/components/ui/url-state.tsx). */
export function ActionsTable() {
  return (
    <UrlState>
      <FilteredActionsTable />
    </UrlState>
  );
}

function FilteredActionsTable() {
  const url = useUrlFilters();
  const statusField = useUrlField("status", url.status ?? "", "each-change");
  const environmentField = useUrlField("environment", url.environment, "each-edit");
  const status = ACTION_STATUS_LIST.find((s) => s === statusField.value);
  const { environment, environmentError } = useEnvironmentFilter(useSettled(environmentField.value, TYPING_PAUSE_MS));
  // A malformed incident id in a hand-edited URL is ignored rather than sent (the API would 400).
  const incidentId = url.incidentId && UUID.test(url.incidentId) ? url.incidentId : undefined;
  const filters = {
    limit: LIMIT,
    ...(status && { status }),
    ...(environment && { environment }),
    ...(incidentId && { incidentId }),
  };
  const actions = trpc.remediation.list.useQuery(filters, { ...usePolling(), placeholderData: (prev) => prev });
  const nameOf = useMemberNames();

  return (
    <Card
      title="Remediation actions"
      headingId="actions-title"
      actions={
        <a
          href={exportCsvHref(status ?? "", environment)}
          download
          aria-disabled={environmentError ? true : undefined}
          className={buttonClass("secondary", "sm", environmentError ? "pointer-events-none opacity-50" : "")}
        >
          Export CSV
        </a>
      }
    >
      <form
        role="search"
        aria-label="Filter actions"
        className="mb-3 flex flex-wrap gap-3"
        onSubmit={(e) => e.preventDefault()}
      >
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-600">Status</span>
          <select
            aria-label="Status filter"
            className={`${inputClass} mt-1 w-48`}
            value={statusField.value}
            onChange={(e) => statusField.onChange(e.target.value)}
            onFocus={statusField.onFocus}
            onBlur={statusField.onBlur}
          >
            <option value="">All statuses</option>
            {ACTION_STATUS_LIST.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block text-xs font-medium text-slate-600">Environment</span>
          <input
            aria-label="Environment filter"
            className={`${inputClass} mt-1 w-48`}
            placeholder="any"
            value={environmentField.value}
            onChange={(e) => environmentField.onChange(e.target.value)}
            onFocus={environmentField.onFocus}
            onBlur={environmentField.onBlur}
            aria-invalid={environmentError ? true : undefined}
          />
          {environmentError && (
            <span role="alert" className="mt-1 block max-w-xs text-xs text-red-700">
              {environmentError}
            </span>
          )}
        </label>
        {incidentId && (
          <p className="self-end text-sm" data-testid="incident-filter">
            <span className="text-xs font-medium text-slate-600">Incident </span>
            <IncidentFilterTitle id={incidentId} />{" "}
            <button
              type="button"
              className="ml-1 text-xs text-blue-700 hover:underline"
              onClick={() => writeSearchParams({ incidentId: null }, "push")}
            >
              Clear incident filter
            </button>
          </p>
        )}
      </form>
      <QueryState
        query={actions}
        loadingLabel="Loading actions…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No actions match these filters." />}
      >
        {(rows) => (
          // Below md only incident, action and status (docs/behaviour.md#ui-accessibility).
          <Table label="Remediation actions">
            <thead>
              <tr>
                <Th className="max-md:hidden">Created</Th>
                <Th>Incident</Th>
                <Th>Action</Th>
                <Th className="max-md:hidden">Environment</Th>
                <Th className="max-md:hidden">Severity</Th>
                <Th>Status</Th>
                <Th className="max-md:hidden">Requested by</Th>
                <Th className="max-md:hidden">Error</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid="action-row" data-action-id={a.id} data-status={a.status}>
                  <Td className="whitespace-nowrap text-xs text-slate-600 max-md:hidden">
                    <RelativeTime value={a.createdAt} />
                  </Td>
                  <Td className="max-w-56">
                    <Link
                      href={`/incidents/${a.incidentId}`}
                      className="block truncate text-xs text-blue-700 hover:underline"
                      title={a.incidentTitle ?? a.incidentId}
                    >
                      {a.incidentTitle ?? a.incidentId.slice(0, 8)}
                    </Link>
                  </Td>
                  <Td className="max-w-64">
                    <Link href={`/actions/${a.id}`} className="block hover:underline">
                      <ActionLabel actionType={a.actionType} parameters={a.parameters} />
                    </Link>
                  </Td>
                  <Td className="font-mono text-xs max-md:hidden">{a.environment}</Td>
                  <Td className="max-md:hidden">
                    <SeverityBadge severity={a.severity} />
                  </Td>
                  <Td>
                    <StatusPill status={a.status} />
                  </Td>
                  <Td className="text-xs max-md:hidden">{nameOf(a.performedBy)}</Td>
                  <Td className="max-w-64 text-xs text-red-700 max-md:hidden">{a.error ?? ""}</Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
      {actions.data && actions.data.length >= LIMIT && (
        <p className="mt-2 text-xs text-slate-500">Showing the newest {LIMIT}; export the CSV for more.</p>
      )}
    </Card>
  );
}
