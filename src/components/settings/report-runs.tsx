"use client";
import { parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import { useState } from "react";
import { useLiveStatus } from "@/components/live/use-live";
import { useCan } from "@/components/shell/principal-context";
import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { toastFailure } from "@/components/ui/failure";
import { inputClass } from "@/components/ui/field";
import { formatDateTime, formatNumber } from "@/components/ui/format";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { toast } from "@/components/ui/toast";
import { trpc } from "@/lib/trpc";

const RUN_STATUSES = ["running", "success", "failed"] as const;
type RunStatus = "" | (typeof RUN_STATUSES)[number];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The runs table's filters live in the URL (`?runStatus=&runFrom=&runTo=`, beside `tab=runs`), so a
 * link reproduces the view. A hand-edited date that is not `YYYY-MM-DD` is ignored, not sent.
 */
const RUN_FILTERS = {
  runStatus: parseAsStringLiteral(RUN_STATUSES),
  runFrom: parseAsString,
  runTo: parseAsString,
};

function useRunFilters(): [
  { status: RunStatus; from: string; to: string },
  (next: Partial<{ status: RunStatus; from: string; to: string }>) => void,
] {
  const [url, setUrl] = useQueryStates(RUN_FILTERS, { history: "push" });
  const filters = {
    status: url.runStatus ?? "",
    from: url.runFrom && DATE.test(url.runFrom) ? url.runFrom : "",
    to: url.runTo && DATE.test(url.runTo) ? url.runTo : "",
  } as const;
  const set = (next: Partial<{ status: RunStatus; from: string; to: string }>) =>
    void setUrl({
      ...("status" in next && { runStatus: next.status || null }),
      ...("from" in next && { runFrom: next.from || null }),
      ...("to" in next && { runTo: next.to || null }),
    });
  return [filters, set];
}
const STATUS_TONE = { running: "blue", success: "green", failed: "red" } as const;
const POLL_MS = 10_000;

function runsCsvHref(filters: { status: RunStatus; from: string; to: string }): string {
  const params = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ""));
  const query = params.toString();
  return `/remediation/reporting/runs/export/csv${query ? `?${query}` : ""}`;
}

/** Report runs with status/date filters, retry, CSV export and "send now" (docs/behaviour.md#reporting, docs/behaviour.md#ui). */
export function ReportRuns() {
  const canManage = useCan("policy:update");
  const live = useLiveStatus() === "live";
  const [filters, setFilters] = useRunFilters();
  const runs = trpc.reporting.listRuns.useQuery(
    {
      limit: 50,
      ...(filters.status && { status: filters.status }),
      ...(filters.from && { from: filters.from }),
      ...(filters.to && { to: filters.to }),
    },
    {
      // Runs are not stream events: poll while one is running; otherwise only as the fallback
      // while the live stream is not open (docs/behaviour.md#ui).
      refetchInterval: (query) =>
        live && !query.state.data?.some((run) => run.status === "running") ? false : POLL_MS,
      placeholderData: (prev) => prev,
    },
  );
  const utils = trpc.useUtils();
  const sendNow = trpc.reporting.sendNow.useMutation();
  const retry = trpc.reporting.retryRun.useMutation();
  const [retrying, setRetrying] = useState<string>();

  const refresh = () =>
    Promise.all([
      utils.reporting.listRuns.invalidate(),
      utils.reporting.outbox.invalidate(),
      utils.reporting.getSettings.invalidate(),
    ]);

  async function send() {
    try {
      const run = await sendNow.mutateAsync(undefined);
      if (run.status === "success") toast.success(`Report sent to ${run.deliveredCount} recipient(s)`);
      else toast.error("Report run failed", { description: run.error ?? undefined });
    } catch (error) {
      toastFailure("Could not send the report", error);
    }
    await refresh();
  }

  async function retryRun(runId: string) {
    setRetrying(runId);
    try {
      const run = await retry.mutateAsync({ runId });
      if (run.status === "success") toast.success(`Retry delivered to ${run.deliveredCount} recipient(s)`);
      else toast.error("Retry failed", { description: run.error ?? undefined });
    } catch (error) {
      toastFailure("Could not retry the run", error, () => retryRun(runId));
    }
    await refresh();
    setRetrying(undefined);
  }

  return (
    <Card
      title="Report runs"
      headingId="report-runs-title"
      actions={
        <>
          <a href={runsCsvHref(filters)} download className={buttonClass("secondary", "sm")}>
            Export CSV
          </a>
          {canManage && (
            <Button size="sm" variant="primary" onClick={send} busy={sendNow.isPending}>
              Send report now
            </Button>
          )}
        </>
      }
    >
      <form aria-label="Filter report runs" className="mb-3 flex flex-wrap gap-3" onSubmit={(e) => e.preventDefault()}>
        <label className="text-xs font-medium text-slate-600">
          Status
          <select
            aria-label="Run status filter"
            className={`${inputClass} mt-1 w-36`}
            value={filters.status}
            onChange={(e) => setFilters({ status: e.target.value as RunStatus })}
          >
            <option value="">All</option>
            <option value="running">running</option>
            <option value="success">success</option>
            <option value="failed">failed</option>
          </select>
        </label>
        <label className="text-xs font-medium text-slate-600">
          From
          <input
            type="date"
            aria-label="From date"
            className={`${inputClass} mt-1`}
            value={filters.from}
            onChange={(e) => setFilters({ from: e.target.value })}
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          To
          <input
            type="date"
            aria-label="To date"
            className={`${inputClass} mt-1`}
            value={filters.to}
            onChange={(e) => setFilters({ to: e.target.value })}
          />
        </label>
      </form>
      <QueryState
        query={runs}
        loadingLabel="Loading report runs…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="No report runs match these filters." />}
      >
        {(rows) => (
          <Table label="Report runs">
            <thead>
              <tr>
                <Th>Started</Th>
                <Th>Trigger</Th>
                <Th>Status</Th>
                <Th>Recipients</Th>
                <Th>Delivered / failed</Th>
                <Th>Actions (failed)</Th>
                <Th>Deleted</Th>
                <Th>Error</Th>
                {canManage && (
                  <Th>
                    <span className="sr-only">Retry</span>
                  </Th>
                )}
              </tr>
            </thead>
            <tbody>
              {rows.map((run) => (
                <tr
                  key={run.id}
                  data-testid="run-row"
                  data-run-id={run.id}
                  data-status={run.status}
                  data-trigger={run.trigger}
                >
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(run.startedAt)}</Td>
                  <Td className="text-xs">
                    {run.trigger} · {run.cadence}
                  </Td>
                  <Td>
                    <Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge>
                  </Td>
                  <Td className="max-w-56 text-xs break-all">{run.recipients.join(", ") || "—"}</Td>
                  <Td className="text-xs tabular-nums">
                    {run.deliveredCount} / {run.failedDeliveryCount}
                  </Td>
                  <Td className="text-xs tabular-nums">
                    {run.totalActions} ({run.failedActions})
                  </Td>
                  <Td className="text-xs tabular-nums">{formatNumber(run.deletedCount)}</Td>
                  <Td className="max-w-64 text-xs text-red-700">
                    {run.error ?? ""}
                    {run.deliveryFailures.map((f) => (
                      <span key={f.recipient} className="block text-red-600">
                        {f.recipient}: {f.error}
                      </span>
                    ))}
                  </Td>
                  {canManage && (
                    <Td>
                      {/* Only a failed run has deliveries to redo; the server refuses the others (409). */}
                      {run.status === "failed" && (
                        <Button size="sm" onClick={() => retryRun(run.id)} busy={retrying === run.id}>
                          Retry
                        </Button>
                      )}
                    </Td>
                  )}
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}
