import { z } from "zod";
import { actionRequestInput } from "@/lib/action-request";
import { csvResultSchema } from "@/server/csv";
import { outputCheckedByTests, requires, router } from "@/server/trpc";
import { approveAction } from "./approve-action";
import { exportActionsCsv } from "./export-actions-csv";
import { getAction } from "./get-action";
import { approvalMetricsInput, approvalMetricsSchema, getApprovalMetrics } from "./get-approval-metrics";
import { getPrioritySignal } from "./get-priority-signal";
import { getStats } from "./get-stats";
import { listActions } from "./list-actions";
import { listHistory } from "./list-history";
import { listPendingQueue } from "./list-pending-queue";
import { rejectAction } from "./reject-action";
import { requestAction } from "./request-action";
import {
  actionIdInput,
  actionWithEventsSchema,
  approveInput,
  approveOutput,
  decisionInput,
  environmentFilterInput,
  exportActionsInput,
  historyInput,
  listActionsInput,
  listedActionSchema,
  pendingQueueInput,
  pendingQueueSchema,
  prioritySignalSchema,
  rejectOutput,
  requestActionOutput,
  statsSchema,
} from "./schemas";

export const remediationRouter = router({
  request: requires("remediation:request")
    .input(actionRequestInput)
    .output(requestActionOutput)
    .mutation(({ ctx, input }) => requestAction(ctx, input)),
  approve: requires("remediation:approve")
    .input(approveInput)
    .output(approveOutput)
    .mutation(({ ctx, input }) => approveAction(ctx, input)),
  reject: requires("remediation:reject")
    .input(decisionInput)
    .output(rejectOutput)
    .mutation(({ ctx, input }) => rejectAction(ctx, input)),
  list: requires("remediation:view")
    .input(listActionsInput)
    .output(outputCheckedByTests(z.array(listedActionSchema)))
    .query(({ ctx, input }) => listActions(ctx, input)),
  // The Control Center's triage queue: riskiest first, the true total (docs/behaviour.md#pending-queue).
  pendingQueue: requires("remediation:view")
    .input(pendingQueueInput)
    .output(pendingQueueSchema)
    .query(({ ctx, input }) => listPendingQueue(ctx, input)),
  get: requires("remediation:view")
    .input(actionIdInput)
    .output(actionWithEventsSchema)
    .query(({ ctx, input }) => getAction(ctx, input)),
  history: requires("remediation:view")
    .input(historyInput)
    .output(outputCheckedByTests(z.array(listedActionSchema)))
    .query(({ ctx, input }) => listHistory(ctx, input)),
  stats: requires("remediation:view")
    .input(environmentFilterInput)
    .output(outputCheckedByTests(statsSchema))
    .query(({ ctx, input }) => getStats(ctx, input)),
  prioritySignal: requires("remediation:view")
    .input(environmentFilterInput)
    .output(outputCheckedByTests(prioritySignalSchema))
    .query(({ ctx, input }) => getPrioritySignal(ctx, input)),
  approvalMetrics: requires("remediation:view")
    .input(approvalMetricsInput)
    .output(approvalMetricsSchema)
    .query(({ ctx, input }) => getApprovalMetrics(ctx, input)),
  // Streams through the REST adapter: the CSV bytes of a database COPY, read as the client drains.
  exportCsv: requires("remediation:view")
    .input(exportActionsInput)
    .output(csvResultSchema)
    .query(({ ctx, input }) => exportActionsCsv(ctx, input)),
});
