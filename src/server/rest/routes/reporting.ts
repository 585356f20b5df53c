import { updateReportingSettingsInput } from "@/lib/reporting-settings";
import { REPORT_RUNS_CSV_COLUMNS, REPORT_RUNS_CSV_FILENAME } from "@/server/reporting/list-report-runs";
import type { RestRoute } from "../types";

// Literal `/remediation/reporting/...` paths: the matcher tries routes with fewer `:params`
// first, so `/remediation/:id` never shadows them (covered by routes.test.ts).
export const reportingRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/remediation/reporting/settings",
    procedure: "reporting.getSettings",
    summary: "Reporting settings (created with the defaults on first read)",
    input: () => undefined,
  },
  {
    method: "PUT",
    path: "/remediation/reporting/settings",
    procedure: "reporting.updateSettings",
    summary: "Update any subset of the reporting settings; returns the full settings",
    body: updateReportingSettingsInput,
  },
  {
    method: "GET",
    path: "/remediation/reporting/runs",
    procedure: "reporting.listRuns",
    summary: "Report runs, newest first (status, from/to on startedAt inclusive, limit)",
  },
  {
    method: "GET",
    path: "/remediation/reporting/runs/export/csv",
    procedure: "reporting.exportRunsCsv",
    summary: "Report runs as CSV (same filters as the list)",
    csv: { filename: REPORT_RUNS_CSV_FILENAME, columns: REPORT_RUNS_CSV_COLUMNS },
  },
  {
    method: "POST",
    path: "/remediation/reporting/runs",
    procedure: "reporting.sendNow",
    summary: "Send a report now (trigger manual); answers once delivery has finished",
  },
  {
    method: "POST",
    path: "/remediation/reporting/runs/:runId/retry",
    procedure: "reporting.retryRun",
    summary: "Re-send a run's report to the recipients that failed in it (new run, trigger retry)",
    errors: { 409: "The run is still running, or it succeeded and has no failed deliveries to retry" },
  },
  {
    method: "POST",
    path: "/remediation/reporting/enforce-retention",
    procedure: "reporting.enforceRetention",
    summary: "Delete terminal actions older than the retention period now",
  },
];
