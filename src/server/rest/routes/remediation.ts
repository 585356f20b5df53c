import { actionSchema, CSV_COLUMNS, CSV_FILENAME } from "@/server/remediation/schemas";
import type { RestRoute } from "../types";

// Literal paths (/remediation/actions, /stats, …) win over /remediation/:id: the matcher tries
// routes with fewer parameters first (src/server/rest/match.ts).
export const remediationRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/remediation/request",
    procedure: "remediation.request",
    summary:
      "Request a remediation action for an incident (201). Optional Idempotency-Key header: a replay answers 201 with the original row and Idempotent-Replayed: true",
    respond: (result) => ({
      status: 201,
      body: result.action,
      headers: result.replayed ? { "idempotent-replayed": "true" } : undefined,
    }),
    response: actionSchema,
    successStatus: 201,
    errors: {
      404: "The incident does not exist or belongs to another organization",
      409: "The Idempotency-Key was already used with a different request body",
      422: "The action type is denied by policy (`violations` names the rules); nothing is stored",
    },
    headers: {
      request: [
        {
          name: "Idempotency-Key",
          description:
            "Makes the request safe to retry: within 24 h the same key and body answer the original row again (201, Idempotent-Replayed: true); the same key with another body is a 409. Scoped to the organization.",
          schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
        },
      ],
      response: [
        {
          name: "Idempotent-Replayed",
          description:
            "Present (`true`) when the answer is the replay of an earlier request with this Idempotency-Key.",
          schema: { type: "string", enum: ["true"] },
        },
      ],
    },
  },
  {
    method: "POST",
    path: "/remediation/:id/approve",
    procedure: "remediation.approve",
    summary:
      "Vote to approve a pending action: the vote that reaches its required approvals queues it (guardrails re-checked; with violations every vote needs a reason, which overrides them). Send `contextVersion` from the action's approvalContext to approve only what you were shown",
    errors: {
      403: "Missing remediation:approve, or separation of duties: the requester of an action cannot approve it",
      409: "`contextVersion` is not the action's current approval context version (review the action again)",
    },
  },
  {
    method: "POST",
    path: "/remediation/:id/reject",
    procedure: "remediation.reject",
    summary: "Reject a pending action (its requester may withdraw it); an action past its expiry is expired instead",
  },
  {
    method: "GET",
    path: "/remediation/actions",
    procedure: "remediation.list",
    summary: "Remediation actions, newest first",
  },
  {
    method: "GET",
    path: "/remediation/history/:incidentId",
    procedure: "remediation.history",
    summary: "One incident's remediation actions, newest first ([] when the incident is not visible)",
    errors: { 404: false },
  },
  {
    method: "GET",
    path: "/remediation/stats",
    procedure: "remediation.stats",
    summary: "Action counts per status and success rate",
  },
  {
    method: "GET",
    path: "/remediation/priority-signal",
    procedure: "remediation.prioritySignal",
    summary: "Operator-priority signal for the Control Center hero",
  },
  {
    method: "GET",
    path: "/remediation/approval-metrics",
    procedure: "remediation.approvalMetrics",
    summary:
      "Approval decisions of the last `days` days (1–90, default 7): counts, time to decision p50/p95/max, the oldest pending action's age, reminders and escalations sent",
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
  },
];
