import type { ReportCadence } from "@/lib/reporting-settings";
import { signedCheckpoint } from "@/server/audit/get-checkpoint";
import type { Db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { findOrganizationName } from "@/server/db/stores/organizations";
import * as reportRuns from "@/server/db/stores/report-runs";
import { markScheduledReportSent } from "@/server/db/stores/reporting-settings";
import { type EmailSettings, emailSender, emailSettings } from "@/server/email";
import { logger } from "@/server/logger";
import { countReportDeliveries } from "@/server/metrics/registry";
import { composeReportEmail } from "./compose-report-email";
import { enforceRetention } from "./enforce-retention";
import { computeReportFigures, loadPeriodAuditCsv, type ReportFigures, type ReportPeriod } from "./report-contents";
import type { DeliveryFailure } from "./run-view";

export interface ReportRunPlan {
  organizationId: string;
  trigger: "schedule" | "manual" | "retry";
  cadence: ReportCadence;
  recipients: string[];
  period: ReportPeriod;
  /** Scheduled runs only: the period's claim (see schedule.ts). */
  scheduleSlot?: string;
  /** Retries re-send that run's report: its period and figures; they never enforce retention. */
  retryOf?: { runId: string; figures: ReportFigures; deletedCount: number };
}

type ReportRun = reportRuns.ReportRunRecord;

/**
 * The one report run (docs/behaviour.md#reporting): insert the `running` row → figures →
 * retention (not on retries) → one email per recipient → success/failed. Returns the finished
 * row, or null when a scheduled period was already claimed by another worker. `email`: how to
 * send (default: the environment's).
 */
export async function executeReportRun(
  db: Db,
  plan: ReportRunPlan,
  email: EmailSettings = emailSettings(),
): Promise<ReportRun | null> {
  const run = await reportRuns.insertReportRun(db, plan.organizationId, {
    cadence: plan.cadence,
    trigger: plan.trigger,
    retryOfRunId: plan.retryOf?.runId ?? null,
    scheduleSlot: plan.scheduleSlot ?? null,
    recipients: plan.recipients,
    periodStart: plan.period.start,
    periodEnd: plan.period.end,
  });
  if (!run) return null;
  try {
    return await deliverReport(db, plan, run, email);
  } catch (err) {
    // Anything unexpected still finishes the run; details stay in the logs (docs/behaviour.md#errors).
    logger().error({ err, runId: run.id, organizationId: plan.organizationId }, "report run failed");
    return finishRun(db, plan, run.id, { error: "Report run failed unexpectedly; see the server logs." });
  }
}

async function deliverReport(db: Db, plan: ReportRunPlan, run: ReportRun, email: EmailSettings): Promise<ReportRun> {
  const scope = orgScope(plan.organizationId);
  // Figures and the attachment are read before retention, which may delete part of the period.
  const [organizationName, figures, audit] = await Promise.all([
    findOrganizationName(db, plan.organizationId),
    plan.retryOf ? plan.retryOf.figures : computeReportFigures(db, scope, plan.period),
    loadPeriodAuditCsv(db, scope, plan.period),
  ]);
  const deletedCount = plan.retryOf ? 0 : (await enforceRetention({ db, scope })).deletedCount;
  await reportRuns.recordReportFigures(db, plan.organizationId, run.id, { ...figures, deletedCount });
  // The chain head as it is now (after retention's stubs), signed: what the recipients can later check an export against.
  const checkpoint = await signedCheckpoint(db, plan.organizationId);

  const message = await composeReportEmail({
    from: email.from,
    organizationName: organizationName ?? plan.organizationId,
    cadence: plan.cadence,
    period: plan.period,
    figures,
    deletedCount: plan.retryOf?.deletedCount ?? deletedCount,
    audit,
    checkpoint,
  });

  const failures: DeliveryFailure[] = [];
  const sender = emailSender(db, email);
  try {
    // One email per recipient, one at a time: `to` is exactly that address (docs/behaviour.md#reporting).
    for (const recipient of plan.recipients) {
      try {
        await sender.send(
          { ...message, to: recipient },
          {
            organizationId: plan.organizationId,
            reportRunId: run.id,
            idempotencyKey: `report-run/${run.id}/${recipient}`,
          },
        );
      } catch (err) {
        failures.push({ recipient, error: err instanceof Error ? err.message : String(err) });
      }
    }
  } finally {
    await sender.close().catch((err) => logger().warn({ err }, "closing the email transport failed"));
  }
  return finishRun(db, plan, run.id, { failures });
}

async function finishRun(
  db: Db,
  plan: ReportRunPlan,
  runId: string,
  outcome: { failures: DeliveryFailure[] } | { error: string },
): Promise<ReportRun> {
  const failures = "failures" in outcome ? outcome.failures : [];
  const total = plan.recipients.length;
  const error =
    "error" in outcome
      ? outcome.error
      : failures.length > 0
        ? `Delivery failed for ${failures.length} of ${total} recipient${total === 1 ? "" : "s"}.`
        : null;
  const finished = await reportRuns.finishReportRun(db, plan.organizationId, runId, {
    status: error ? "failed" : "success",
    error,
    deliveredCount: "failures" in outcome ? total - failures.length : 0,
    failedDeliveryCount: failures.length,
    deliveryFailures: failures.map((f) => ({ ...f })),
    completedAt: new Date(),
  });
  countReportDeliveries(plan.organizationId, finished.deliveredCount, finished.failedDeliveryCount);
  // Only scheduled runs move `lastReportAt` (docs/behaviour.md#reporting), to the end of the
  // period they covered, and only forward.
  if (plan.trigger === "schedule") await markScheduledReportSent(db, plan.organizationId, plan.period.end);
  return finished;
}
