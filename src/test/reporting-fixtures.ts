// Reporting test fixtures: factories for reporting settings and report runs (through their
// stores), a local stand-in for the Resend API, a CSV reader for asserting on exports, and dates
// relative to now.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { ReportCadence } from "@/lib/reporting-settings";
import { db, transaction } from "@/server/db/client";
import { setReportRunTimes } from "@/server/db/simulate";
import {
  finishReportRun,
  insertReportRun,
  type ReportRunRecord,
  type ReportRunStatus,
  type ReportTrigger,
  recordReportFigures,
} from "@/server/db/stores/report-runs";
import {
  findOrCreateReportingSettings,
  markScheduledReportSent,
  type ReportingSettingsPatch,
  updateReportingSettings,
} from "@/server/db/stores/reporting-settings";

/** The organization's reporting settings row with these fields (the rest: the defaults). */
export async function createReportingSettings(
  organizationId: string,
  settings: ReportingSettingsPatch & { lastReportAt?: Date | null } = {},
): Promise<void> {
  const { lastReportAt, ...patch } = settings;
  await transaction(db(), async (tx) => {
    await findOrCreateReportingSettings(tx, organizationId);
    await updateReportingSettings(tx, organizationId, patch);
    if (lastReportAt) await markScheduledReportSent(tx, organizationId, lastReportAt);
  });
}

interface ReportRunOverrides {
  cadence?: ReportCadence;
  trigger?: ReportTrigger;
  scheduleSlot?: string | null;
  recipients?: string[];
  periodStart?: Date;
  periodEnd?: Date;
  /** Default "running"; a finished run gets the counts, failures and error given. */
  status?: ReportRunStatus;
  error?: string | null;
  totalActions?: number;
  deliveredCount?: number;
  failedDeliveryCount?: number;
  deliveryFailures?: { recipient: string; error: string }[];
  /** When other than now (a run of the past, or one a dead worker left behind). */
  startedAt?: Date;
  /** Default: when it finished (now); null for a finished run that recorded no completion. */
  completedAt?: Date | null;
}

/** A report run as the report runner leaves it (running, or finished with these figures). */
export async function createReportRun(
  organizationId: string,
  overrides: ReportRunOverrides = {},
): Promise<ReportRunRecord> {
  const periodEnd = overrides.periodEnd ?? new Date();
  let run = await insertReportRun(db(), organizationId, {
    cadence: overrides.cadence ?? "weekly",
    trigger: overrides.trigger ?? "manual",
    retryOfRunId: null,
    scheduleSlot: overrides.scheduleSlot ?? null,
    recipients: overrides.recipients ?? ["sre@example.com"],
    periodStart: overrides.periodStart ?? new Date(periodEnd.getTime() - 7 * 86_400_000),
    periodEnd,
  });
  if (!run) throw new Error(`schedule slot ${overrides.scheduleSlot} is taken`);
  const status = overrides.status ?? "running";
  if (overrides.totalActions !== undefined) {
    await recordReportFigures(db(), organizationId, run.id, {
      totalActions: overrides.totalActions,
      failedActions: 0,
      pendingApprovals: 0,
      queuedExecutions: 0,
      overridesInPeriod: 0,
      overrideReviewsPending: 0,
      overrideReviewsFlagged: 0,
      deletedCount: 0,
    });
  }
  if (status !== "running") {
    run = await finishReportRun(db(), organizationId, run.id, {
      status,
      error: overrides.error ?? null,
      deliveredCount: overrides.deliveredCount ?? 0,
      failedDeliveryCount: overrides.failedDeliveryCount ?? 0,
      deliveryFailures: overrides.deliveryFailures ?? [],
      completedAt: overrides.completedAt ?? new Date(),
    });
  }
  if (overrides.startedAt !== undefined || overrides.completedAt === null) {
    run = await setReportRunTimes(organizationId, run.id, {
      startedAt: overrides.startedAt ?? run.startedAt,
      completedAt: overrides.completedAt === null ? null : run.completedAt,
    });
  }
  return run;
}

export const daysAgo = (days: number, now = Date.now()) => new Date(now - days * 86_400_000);

interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * A local stand-in for the Resend API: records every request and answers like Resend, refusing
 * the addresses in `reject` with a 422 validation error.
 */
export async function startResendStandIn() {
  const requests: RecordedRequest[] = [];
  const reject = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      const to = ([] as unknown[]).concat(body.to);
      res.setHeader("content-type", "application/json");
      if (to.some((t) => reject.has(String(t)))) {
        res.statusCode = 422;
        res.end(JSON.stringify({ statusCode: 422, name: "validation_error", message: `Invalid \`to\` field: ${to}` }));
        return;
      }
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reject,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Decodes the Resend request's attachments (base64 on the wire). */
export function attachmentsOf(request: RecordedRequest): { filename: string; text: string }[] {
  return ((request.body.attachments ?? []) as { filename: string; content: string }[]).map((a) => ({
    filename: a.filename,
    text: Buffer.from(a.content, "base64").toString("utf8"),
  }));
}

/** Minimal RFC 4180 reader for asserting on CSV responses (quoted cells, doubled quotes, CRLF). */
export function parseCsv(text: string): Record<string, string>[] {
  const records: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      records.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  const [header = [], ...body] = records;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}
