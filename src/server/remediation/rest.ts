import { z } from "zod";
import type { RestRoute } from "@/server/rest/types";
import type { RequestActionResult } from "./request-action";
import {
  actionSchema,
  actionWithEventsSchema,
  approveOutput,
  CSV_COLUMNS,
  CSV_FILENAME,
  prioritySignalSchema,
  rejectOutput,
  statsSchema,
} from "./schemas";

// Literal paths (/remediation/actions, /stats, …) win over /remediation/:id: the matcher tries
// routes with fewer parameters first (src/server/rest/match.ts).
export const remediationRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/remediation/request",
    procedure: "remediation.request",
    summary:
      "Request a remediation action for an incident (201). Optional Idempotency-Key header: a replay answers 201 with the original row and Idempotent-Replayed: true",
    respond: (result: RequestActionResult) => ({
      status: 201,
      body: result.action,
      headers: result.replayed ? { "idempotent-replayed": "true" } : undefined,
    }),
    successStatus: 201,
    response: actionSchema,
  },
  {
    method: "POST",
    path: "/remediation/:id/approve",
    procedure: "remediation.approve",
    summary: "Approve a pending action (guardrails re-checked; a reason overrides violations)",
    response: approveOutput,
  },
  {
    method: "POST",
    path: "/remediation/:id/reject",
    procedure: "remediation.reject",
    summary: "Reject a pending action",
    response: rejectOutput,
  },
  {
    method: "GET",
    path: "/remediation/actions",
    procedure: "remediation.list",
    summary: "Remediation actions, newest first",
    response: z.array(actionSchema),
  },
  {
    method: "GET",
    path: "/remediation/history/:incidentId",
    procedure: "remediation.history",
    summary: "One incident's remediation actions, newest first ([] when the incident is not visible)",
    response: z.array(actionSchema),
  },
  {
    method: "GET",
    path: "/remediation/stats",
    procedure: "remediation.stats",
    summary: "Action counts per status and success rate",
    response: statsSchema,
  },
  {
    method: "GET",
    path: "/remediation/priority-signal",
    procedure: "remediation.prioritySignal",
    summary: "Operator-priority signal for the Control Center hero",
    response: prioritySignalSchema,
  },
  {
    method: "GET",
    path: "/remediation/export/csv",
    procedure: "remediation.exportCsv",
    summary: "Audit export of remediation actions as CSV, newest first (streamed)",
    csv: { filename: CSV_FILENAME, columns: CSV_COLUMNS },
  },
  {
    method: "GET",
    path: "/remediation/:id",
    procedure: "remediation.get",
    summary: "One action with its events, oldest first",
    response: actionWithEventsSchema,
  },
];
