import { Counter, Gauge, Registry } from "prom-client";
import { db } from "@/server/db/client";
import { pendingApprovalGauges } from "@/server/db/stores/approval-metrics";
import { readEventTotals } from "@/server/db/stores/event-totals";
import { senderBoss } from "@/server/jobs/boss";
import { logger } from "@/server/logger";
import { processMetrics } from "./registry";

/**
 * One scrape of GET /metrics (docs/behaviour.md#prometheus-metrics). The in-process metrics
 * (registry.ts) plus what is read from the database at scrape time, the same in every process:
 * pending approvals and the oldest one's age per organization (the counters, one index probe per
 * organization with pending actions), reminders and escalations since the first (a
 * trigger-maintained total per organization), and pg-boss's queue sizes (its queue table's
 * counts, refreshed by the workers' monitor every PGBOSS_SUPERVISE_INTERVAL_SECONDS). No statement
 * reads more than a few rows per organization.
 *
 * `organizationId` null is the operator's scrape (METRICS_TOKEN): every organization and the
 * process-wide families. Otherwise the caller's organization only: series labelled with another
 * organization, and families without an organization label (process, executor, queues), are
 * left out, so a tenant's token learns nothing about other tenants.
 */
export async function scrapeMetrics(organizationId: string | null, now: Date = new Date()): Promise<string> {
  const registry = new Registry();
  const registers = [registry];
  const up = new Gauge({
    name: "rcc_metrics_database_up",
    help: "1 when the scrape's database reads succeeded",
    registers,
  });
  const pending = new Gauge({
    name: "rcc_pending_approvals",
    help: "Actions waiting in PENDING_APPROVAL",
    labelNames: ["organization"],
    registers,
  });
  const oldest = new Gauge({
    name: "rcc_oldest_pending_approval_seconds",
    help: "Age of the oldest PENDING_APPROVAL action (absent when none is pending)",
    labelNames: ["organization"],
    registers,
  });
  const reminders = new Counter({
    name: "rcc_approval_reminders_sent_total",
    help: "APPROVAL_REMINDER_SENT events since the first (database total)",
    labelNames: ["organization"],
    registers,
  });
  const escalations = new Counter({
    name: "rcc_approval_escalations_total",
    help: "APPROVAL_ESCALATED events since the first (database total)",
    labelNames: ["organization"],
    registers,
  });
  const queueJobs = new Gauge({
    name: "rcc_queue_jobs",
    help: "pg-boss jobs per queue and state (queued, active, deferred), as of the last monitor pass",
    labelNames: ["queue", "state"],
    registers,
  });

  try {
    const [gauges, totals] = await Promise.all([
      pendingApprovalGauges(db(), organizationId, now),
      readEventTotals(db(), organizationId),
    ]);
    for (const g of gauges) {
      pending.set({ organization: g.organizationId }, g.pending);
      if (g.oldestSeconds !== null) oldest.set({ organization: g.organizationId }, g.oldestSeconds);
    }
    for (const t of totals) {
      const counter = t.type === "APPROVAL_REMINDER_SENT" ? reminders : escalations;
      counter.inc({ organization: t.organizationId }, t.count);
    }
    if (organizationId === null) {
      for (const q of await (await senderBoss()).getQueues()) {
        queueJobs.set({ queue: q.name, state: "queued" }, q.queuedCount);
        queueJobs.set({ queue: q.name, state: "active" }, q.activeCount);
        queueJobs.set({ queue: q.name, state: "deferred" }, q.deferredCount);
      }
    }
    up.set(1);
  } catch (err) {
    // The in-process metrics are still worth a scrape while the database is away.
    logger().warn({ err }, "metrics: database reads failed");
    up.set(0);
  }

  const text = await Registry.merge([processMetrics().registry, registry]).metrics();
  return organizationId === null ? text : onlyOrganization(text, organizationId);
}

const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
}

/** A sample line's `organization` label value (unescaped), or undefined. */
function organizationOf(line: string): string | undefined {
  const open = line.indexOf("{");
  if (open < 0) return undefined;
  for (const [, name, value] of line.slice(open + 1).matchAll(LABEL)) {
    if (name === "organization") return unescapeLabel(value!);
  }
  return undefined;
}

/**
 * The exposition text with only the samples of `organizationId`, and the HELP/TYPE lines of the
 * families that still have one (plus the scrape's own `rcc_metrics_database_up`).
 */
function onlyOrganization(text: string, organizationId: string): string {
  const out: string[] = [];
  let header: string[] = [];
  let samples: string[] = [];
  const flush = () => {
    if (samples.length > 0) out.push(...header, ...samples);
    header = [];
    samples = [];
  };
  for (const line of text.split("\n")) {
    if (line.startsWith("# HELP ")) {
      flush();
      header.push(line);
    } else if (line.startsWith("#")) header.push(line);
    else if (line.startsWith("rcc_metrics_database_up") || organizationOf(line) === organizationId) samples.push(line);
  }
  flush();
  return `${out.join("\n")}\n`;
}
