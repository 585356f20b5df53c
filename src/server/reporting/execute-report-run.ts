import type { ReportRun } from "@/generated/prisma/client";
import type { ReportCadence } from "@/lib/reporting-settings";
import type { Db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { emailSender, reportFromAddress } from "@/server/email";
import { logger } from "@/server/logger";
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

/**
 * The one report run (contract §9): insert the `running` row → figures → retention (not on
 * retries) → one email per recipient → success/failed. Returns the finished row, or null when a
 * scheduled period was already claimed by another worker (ON CONFLICT DO NOTHING).
 */
export async function executeReportRun(db: Db, plan: ReportRunPlan): Promise<ReportRun | null> {
  const [run] = await db.reportRun.createManyAndReturn({
    data: [
      {
        organizationId: plan.organizationId,
        cadence: plan.cadence,
        trigger: plan.trigger,
        retryOfRunId: plan.retryOf?.runId ?? null,
        scheduleSlot: plan.scheduleSlot ?? null,
        recipients: plan.recipients,
        periodStart: plan.period.start,
        periodEnd: plan.period.end,
        status: "running",
      },
    ],
    skipDuplicates: true,
  });
  if (!run) return null;
  try {
    return await deliverReport(db, plan, run);
  } catch (err) {
    // Anything unexpected still finishes the run; details stay in the logs (contract §4).
    logger().error({ err, runId: run.id, organizationId: plan.organizationId }, "report run failed");
    return finishRun(db, plan, run.id, { error: "Report run failed unexpectedly; see the server logs." });
  }
}

async function deliverReport(db: Db, plan: ReportRunPlan, run: ReportRun): Promise<ReportRun> {
  const scope = orgScope(plan.organizationId);
  // Figures and the attachment are read before retention, which may delete part of the period.
  const [organization, figures, audit] = await Promise.all([
    db.organization.findUnique({ where: { id: plan.organizationId }, select: { name: true } }),
    plan.retryOf ? plan.retryOf.figures : computeReportFigures(db, scope, plan.period),
    loadPeriodAuditCsv(db, scope, plan.period),
  ]);
  const deletedCount = plan.retryOf ? 0 : (await enforceRetention({ db, scope })).deletedCount;
  await db.reportRun.update({ where: { id: run.id }, data: { ...figures, deletedCount } });

  const message = await composeReportEmail({
    from: reportFromAddress(),
    organizationName: organization?.name ?? plan.organizationId,
    cadence: plan.cadence,
    period: plan.period,
    figures,
    deletedCount: plan.retryOf?.deletedCount ?? deletedCount,
    audit,
  });

  const failures: DeliveryFailure[] = [];
  const sender = emailSender(db);
  try {
    // One email per recipient, one at a time: `to` is exactly that address (contract §12).
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
  const finished = await db.reportRun.update({
    where: { id: runId },
    data: {
      status: error ? "failed" : "success",
      error,
      deliveredCount: "failures" in outcome ? total - failures.length : 0,
      failedDeliveryCount: failures.length,
      deliveryFailures: failures.map((f) => ({ ...f })),
      completedAt: new Date(),
    },
  });
  if (plan.trigger === "schedule") await markScheduledReportSent(db, plan.organizationId, plan.period.end);
  return finished;
}

/**
 * Only scheduled runs move `lastReportAt` (contract §12), to the end of the period they covered,
 * and only forward (a late finisher never rewinds a newer value).
 */
export async function markScheduledReportSent(db: Db, organizationId: string, periodEnd: Date): Promise<void> {
  await db.$executeRaw`
    UPDATE "reporting_settings" SET "lastReportAt" = ${periodEnd}
    WHERE "organizationId" = ${organizationId}
      AND ("lastReportAt" IS NULL OR "lastReportAt" < ${periodEnd})`;
}
