import type { ReportRunRecord as ReportRun } from "@/server/db/stores/report-runs";
import type { ReportFigures } from "./report-contents";
import type { ReportRunView } from "./schemas";

export interface DeliveryFailure {
  recipient: string;
  error: string;
}

export function deliveryFailuresOf(run: Pick<ReportRun, "deliveryFailures">): DeliveryFailure[] {
  return Array.isArray(run.deliveryFailures) ? (run.deliveryFailures as unknown as DeliveryFailure[]) : [];
}

export function figuresOf(run: ReportRun): ReportFigures {
  return {
    totalActions: run.totalActions,
    failedActions: run.failedActions,
    pendingApprovals: run.pendingApprovals,
    queuedExecutions: run.queuedExecutions,
    overridesInPeriod: run.overridesInPeriod,
    overrideReviewsPending: run.overrideReviewsPending,
    overrideReviewsFlagged: run.overrideReviewsFlagged,
  };
}

/** The API row (docs/behaviour.md#reporting): the reference's shape plus trigger and retryOfRunId. */
export function toRunView(run: ReportRun): ReportRunView {
  return {
    id: run.id,
    organizationId: run.organizationId,
    cadence: run.cadence,
    trigger: run.trigger,
    retryOfRunId: run.retryOfRunId,
    recipients: run.recipients,
    deliveredCount: run.deliveredCount,
    failedDeliveryCount: run.failedDeliveryCount,
    deliveryFailures: deliveryFailuresOf(run),
    deletedCount: run.deletedCount,
    ...figuresOf(run),
    status: run.status,
    error: run.error,
    startedAt: run.startedAt,
    completedAt: run.completedAt,
  };
}
