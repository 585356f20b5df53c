import { EXPORT_MAX_LIMIT } from "@/server/remediation/schemas";
import type { ApproveMeasurement } from "./phases/approve";
import type { AuditMeasurement } from "./phases/audit";
import type { ExecutionMeasurement } from "./phases/execution";
import type { BossBaselineMeasurement } from "./phases/execution-baseline";
import type { ExportMeasurement, RawCopyMeasurement } from "./phases/export";
import type { FirstLoadMeasurement } from "./phases/first-load";
import type { LiveMeasurement } from "./phases/live";
import type { ReadMeasurement } from "./phases/reads";
import type { ReplayMeasurement } from "./phases/replay";
import type { RetentionMeasurement } from "./phases/retention";

export interface Check {
  id: string;
  what: string;
  value: string;
  target: string;
  pass: boolean;
  /** Reported, not a target: shown as "info", not counted as met or missed. */
  info?: boolean;
}

export interface Measurements {
  reads: ReadMeasurement[];
  exports?: { small: ExportMeasurement; large: ExportMeasurement; rawCopyAll?: RawCopyMeasurement };
  retention?: RetentionMeasurement;
  execution: ExecutionMeasurement[];
  /** P5's bare pg-boss run per worker count (phases/execution-baseline.ts), same run. */
  executionBaseline: BossBaselineMeasurement[];
  approve?: ApproveMeasurement;
  audit?: AuditMeasurement;
  live?: LiveMeasurement;
  replay?: ReplayMeasurement;
  firstLoad?: FirstLoadMeasurement;
}

const TARGETS = {
  scalingRatio: 1.5,
  counterReadP50Ms: 10,
  /** P2 (issue #20): each hot read's requests/s against the bare baseline's, same run (was 0.5). */
  baselineShare: 0.75,
  exportRowsPerSecond: 100_000,
  exportGrowthMb: 64,
  /** "Flat": the 100k export may not grow the app more than this above the 10k one. */
  exportFlatMb: 16,
  /** P3: the HTTP export against the bare COPY of the same statement, in the same run. */
  exportRawCopyRatio: 0.8,
  // P4 (issue #20): 80k rows/s on the 2-core bench machine (was 50k), the list's p99 during the
  // purge within 1.5× idle (was 2×).
  purgeRowsPerSecond: 80_000,
  // P4: the purge against one bare DELETE of the same rows on plain copies, in the same run.
  purgeBaselineRatio: 0.5,
  purgeP99Factor: 1.5,
  actionsPerSecond: 300,
  pickupP50Ms: 50,
  /** P5: actions/s against bare pg-boss's no-op jobs/s, same worker processes, same run. */
  bossBaselineRatio: 0.5,
  /** P5: pickup p50 against bare pg-boss's (sender's clock → handler's), same run. */
  bossPickupFactor: 2,
  liveP95Ms: 100,
  liveIdleGrowthMb: 150,
  replayRequestsPerSecond: 100_000,
  /** "Flat": the 90-day replay may not grow the app more than this above the 9-day one. */
  replayFlatMb: 16,
  /** P6: the Control Center's first-load JavaScript, gzip. */
  firstLoadJsKiB: 180,
  /** P6: stats visible ÷ first contentful paint of a page without data, same server and run. */
  statsVisibleRatio: 1.5,
} as const;

const fmt = (n: number, digits = 2) =>
  Number.isFinite(n) ? String(Math.round(n * 10 ** digits) / 10 ** digits) : "n/a";

/** The wait event most backends sat in (average count), e.g. `Lock:transactionid 15.6`. */
function topWait(waits: Record<string, number>): string {
  const [event, n] = Object.entries(waits)[0] ?? ["none", 0];
  return `${event} ${n}`;
}

/** Every acceptance target of the issue, evaluated on the measurements. */
export function evaluate(m: Measurements): Check[] {
  const checks: Check[] = [];
  for (const r of m.reads) {
    const ratio = r.appBig.p50 / r.appSmall.p50;
    checks.push({
      id: "P1",
      what: `${r.endpoint} p50 1M/10k`,
      value: `${fmt(r.appBig.p50)}/${fmt(r.appSmall.p50)} ms = ${fmt(ratio)}× (p99 ${fmt(r.appBig.p99)}/${fmt(r.appSmall.p99)})`,
      target: `≤ ${TARGETS.scalingRatio}×`,
      pass: ratio <= TARGETS.scalingRatio,
    });
    if (r.endpoint === "stats" || r.endpoint === "priority-signal") {
      checks.push({
        id: "P1",
        what: `${r.endpoint} p50 (16 conn)`,
        value: `${fmt(r.appBig.p50)} ms (1 conn: ${fmt(r.appBigSingle.p50)} ms)`,
        target: `≤ ${TARGETS.counterReadP50Ms} ms`,
        pass: r.appBig.p50 <= TARGETS.counterReadP50Ms,
      });
    }
  }
  for (const r of m.reads) {
    const share = r.appBig.rps / r.baselineBig.rps;
    checks.push({
      id: "P2",
      what: `${r.endpoint} req/s app/baseline`,
      value:
        `${fmt(r.appBig.rps, 0)}/${fmt(r.baselineBig.rps, 0)} = ${fmt(share)}× ` +
        `(server CPU/req ${fmt(r.appBig.serverCpuMsPerRequest)}/${fmt(r.baselineBig.serverCpuMsPerRequest)} ms; ` +
        `machine: app ${r.appBig.cpu.server}% gen ${r.appBig.cpu.loadGenerator}% rest ${r.appBig.cpu.rest}%)`,
      target: `≥ ${TARGETS.baselineShare}×`,
      pass: share >= TARGETS.baselineShare,
    });
  }
  if (m.exports) {
    const { small, large } = m.exports;
    checks.push({
      id: "P3",
      what: `export ${large.limit} rows/s`,
      value: `${fmt(large.rowsPerSecond, 0)} (${large.rows} rows in ${fmt(large.seconds)} s, app CPU ${fmt(large.serverCpuUsPerRow, 1)} µs/row; ${small.limit}: ${fmt(small.rowsPerSecond, 0)}/s)`,
      target: `≥ ${TARGETS.exportRowsPerSecond}`,
      pass: large.rowsPerSecond >= TARGETS.exportRowsPerSecond && large.rows === large.limit,
    });
    // The target is the large export's (issue 20: 100k and 1M rows, the product allows 100k); the
    // small one is reported: at ~0.1 s its request's fixed cost (auth, procedure, COPY start) shows.
    for (const e of [small, large]) {
      const target = e === large;
      checks.push({
        id: "P3",
        what: `export ${e.limit} rows/s / raw COPY (same statement, same run)`,
        value: `${fmt(e.rowsPerSecond / e.rawCopy.rowsPerSecond)}× (${fmt(e.rowsPerSecond, 0)}/${fmt(e.rawCopy.rowsPerSecond, 0)}; app CPU ${fmt(e.serverCpuUsPerRow, 1)} µs/row)`,
        target: target ? `≥ ${TARGETS.exportRawCopyRatio}×` : "report",
        pass: !target || e.rowsPerSecond >= TARGETS.exportRawCopyRatio * e.rawCopy.rowsPerSecond,
        ...(target ? {} : { info: true }),
      });
    }
    const all = m.exports.rawCopyAll;
    if (all) {
      checks.push({
        id: "P3",
        what: `raw COPY of all ${all.rows} rows (HTTP: limit ≤ ${EXPORT_MAX_LIMIT})`,
        value: `${fmt(all.rowsPerSecond, 0)} rows/s (${fmt(all.seconds)} s; ${large.limit}: ${fmt(large.rawCopy.rowsPerSecond, 0)}/s)`,
        target: `report (limit > ${EXPORT_MAX_LIMIT}: 400)`,
        pass: true,
        info: true,
      });
    }
    checks.push({
      id: "P3",
      what: "export peak RSS growth",
      value: `${fmt(large.rssGrowthMb, 1)} MB (${small.limit}: ${fmt(small.rssGrowthMb, 1)} MB)`,
      target: `≤ ${TARGETS.exportGrowthMb} MB, flat (≤ +${TARGETS.exportFlatMb} MB)`,
      pass:
        large.rssGrowthMb <= TARGETS.exportGrowthMb && large.rssGrowthMb - small.rssGrowthMb <= TARGETS.exportFlatMb,
    });
  }
  if (m.retention) {
    const r = m.retention;
    const cpuPerRow = (x: RetentionMeasurement) =>
      x.cpuMicrosPerRow !== undefined && x.baseline?.cpuMicrosPerRow !== undefined
        ? `; PostgreSQL CPU/row ${fmt(x.cpuMicrosPerRow)}/${fmt(x.baseline.cpuMicrosPerRow)} µs`
        : "";
    checks.push({
      id: "P4",
      what: "retention purge rows/s",
      value: `${fmt(r.rowsPerSecond, 0)} (${r.deletedCount} rows in ${fmt(r.seconds)} s; counters ${r.counterDrift === 0 ? "exact" : `DRIFT ${r.counterDrift}`})`,
      target: `≥ ${TARGETS.purgeRowsPerSecond}`,
      pass: r.rowsPerSecond >= TARGETS.purgeRowsPerSecond && r.counterDrift === 0,
    });
    if (r.baseline) {
      checks.push({
        id: "P4",
        what: "retention purge / bare DELETE (same rows, same run)",
        value: `${fmt(r.rowsPerSecond / r.baseline.rowsPerSecond)}× (${fmt(r.baseline.rowsPerSecond, 0)} rows/s bare)${cpuPerRow(r)}`,
        target: `≥ ${TARGETS.purgeBaselineRatio}×`,
        pass: r.rowsPerSecond >= TARGETS.purgeBaselineRatio * r.baseline.rowsPerSecond,
      });
    }
    checks.push({
      id: "P4",
      what: "list p99 during purge / idle",
      value: `${fmt(r.duringPurge.p99)}/${fmt(r.idle.p99)} ms = ${fmt(r.duringPurge.p99 / r.idle.p99)}× (${r.idle.connections} conn; p50 ${fmt(r.duringPurge.p50)}/${fmt(r.idle.p50)} ms)`,
      target: `≤ ${TARGETS.purgeP99Factor}×`,
      pass: r.duringPurge.p99 <= TARGETS.purgeP99Factor * r.idle.p99,
    });
  }
  for (const e of m.execution) {
    const bare = e.chain === false ? undefined : m.executionBaseline.find((b) => b.workers === e.workers);
    if (bare) checks.push(...bossBaselineChecks(e, bare));
    checks.push({
      id: "P5",
      what: `${e.workers} worker(s)${e.chain === false ? " chain OFF" : ""} actions/s`,
      value:
        `${fmt(e.actionsPerSecond, 0)} (${e.completed}/${e.requested} in ${fmt(e.seconds)} s; POST ${fmt(e.requests.rps, 0)}/s ` +
        `p50 ${fmt(e.requests.p50)} ms, app CPU/POST ${fmt(e.requests.serverCpuMsPerRequest)} ms, machine CPU/action ${fmt(e.machineCpuMsPerAction, 1)} ms` +
        (e.databaseCpuMsPerAction === undefined
          ? ")"
          : `: workers ${fmt(e.workerCpuMsPerAction ?? Number.NaN)}, PostgreSQL ${fmt(e.databaseCpuMsPerAction)} ms)`),
      target: `≥ ${TARGETS.actionsPerSecond}`,
      pass: e.finished && e.actionsPerSecond >= TARGETS.actionsPerSecond,
    });
    checks.push({
      id: "P5",
      what: `${e.workers} worker(s)${e.chain === false ? " chain OFF" : ""} pickup p50`,
      value: `${fmt(e.pickupP50Ms, 1)} ms (p99 ${fmt(e.pickupP99Ms, 1)} ms; busiest wait ${topWait(e.waits)})`,
      target: `≤ ${TARGETS.pickupP50Ms} ms`,
      pass: e.pickupP50Ms <= TARGETS.pickupP50Ms,
    });
  }
  if (m.approve) {
    const a = m.approve;
    const l = a.approve;
    checks.push({
      id: "PA",
      what: "approve path, CPU ms per request",
      value:
        `${fmt(l.serverCpuMsPerRequest, 3)} ms (${fmt(l.rps, 0)} approvals/s, p50 ${fmt(l.p50)} ms p99 ${fmt(l.p99)} ms, ` +
        `${l.connections} conn; machine CPU/approve ${fmt(a.machineCpuMsPerApprove)} ms; busiest wait ${topWait(a.waits)})`,
      target: "report (issue: within 10% of before)",
      pass: true,
      info: true,
    });
    const ok = a.answers["200 QUEUED"] ?? 0;
    checks.push({
      id: "PA",
      what: "approvals 200 QUEUED, one job each",
      value:
        `${ok}/${a.approvals} 200 QUEUED (${a.unexpected} other${a.unexpected ? `: ${JSON.stringify(a.answers)}` : ""}), ` +
        `${a.queuedActions} actions QUEUED, ${a.executeJobs} execute jobs (${a.duplicateJobs} duplicated)`,
      target: `all ${a.approvals}, ${a.approvals} jobs`,
      pass:
        ok === a.approvals &&
        a.unexpected === 0 &&
        a.idsSent === a.approvals &&
        a.queuedActions === a.approvals &&
        a.executeJobs === a.approvals &&
        a.duplicateJobs === 0,
    });
  }
  if (m.live) {
    const l = m.live;
    checks.push({
      id: "P7",
      what: `live stream commit→client p95 (${l.streams} streams)`,
      value:
        `${fmt(l.p95Ms, 1)} ms (p50 ${fmt(l.p50Ms, 1)}, p99 ${fmt(l.p99Ms, 1)}, max ${fmt(l.maxMs, 1)} ms; ` +
        `${l.pairsReceived}/${l.pairsExpected} pairs of ${l.events} events; app CPU ${fmt(l.appCpuUsPerFrame, 1)} µs/frame)`,
      target: `≤ ${TARGETS.liveP95Ms} ms, every pair`,
      pass: l.p95Ms <= TARGETS.liveP95Ms && l.pairsReceived === l.pairsExpected,
    });
    checks.push({
      id: "P7",
      what: `RSS growth, ${l.idleStreams} idle streams`,
      value:
        `${fmt(l.rssGrowthMb, 1)} MB (${fmt(l.rssBeforeMb, 1)} → ${fmt(l.rssAfterMb, 1)} MB, peak ${fmt(l.rssPeakMb, 1)}; ${l.leftOpen} left open` +
        `${l.rssGrowthMb < -5 ? "; RSS fell: a full GC ran in the window, not a measurement" : ""})`,
      target: `≤ ${TARGETS.liveIdleGrowthMb} MB`,
      pass: l.rssGrowthMb <= TARGETS.liveIdleGrowthMb && l.rssGrowthMb >= -5 && l.leftOpen === 0,
    });
  }
  if (m.firstLoad) {
    const f = m.firstLoad;
    checks.push({
      id: "P6",
      what: `Control Center first-load JS (${f.jsFiles} files, gzip)`,
      value: `${fmt(f.jsGzipKiB, 1)} KiB (sent ${fmt(f.jsTransferredKiB, 1)} KiB; ${fmt(f.lazyJsGzipKiB, 1)} KiB lazy after load)`,
      target: `≤ ${TARGETS.firstLoadJsKiB} KiB`,
      pass: f.jsGzipKiB <= TARGETS.firstLoadJsKiB,
    });
    checks.push({
      id: "P6",
      what: `stats visible ÷ /signin FCP (${f.actions} actions, median of ${f.runs.length})`,
      value:
        `${fmt(f.statsVisibleMedianMs, 0)}/${fmt(f.staticFcpMedianMs, 0)} ms = ${fmt(f.ratio)}× ` +
        `(HTML in by ${fmt(f.controlCenterHtmlMedianMs, 0)}/${fmt(f.staticHtmlMedianMs, 0)} ms)`,
      target: `≤ ${TARGETS.statsVisibleRatio}×`,
      pass: f.ratio <= TARGETS.statsVisibleRatio,
    });
  }
  if (m.replay) {
    const r = m.replay;
    checks.push({
      id: "P8",
      what: `policy replay requests/s (${r.days} days)`,
      value:
        `${fmt(r.requestsPerSecond, 0)} (${r.evaluated} in ${fmt(r.seconds)} s, SQL count ${r.expected}; ` +
        `app CPU ${fmt(r.serverCpuUsPerRequest)} µs/request; ${r.changed} changed)`,
      target: `≥ ${TARGETS.replayRequestsPerSecond}, evaluated = count`,
      pass: r.requestsPerSecond >= TARGETS.replayRequestsPerSecond && r.evaluated === r.expected,
    });
    checks.push({
      id: "P8",
      what: "policy replay peak RSS growth",
      value: `${fmt(r.rssGrowthMb, 1)} MB (${r.small.days} days, ${r.small.evaluated} requests: ${fmt(r.small.rssGrowthMb, 1)} MB)`,
      target: `flat (≤ ${r.small.days}-day + ${TARGETS.replayFlatMb} MB)`,
      pass: r.rssGrowthMb - r.small.rssGrowthMb <= TARGETS.replayFlatMb,
    });
  }
  checks.push(...auditChecks(m));
  return checks;
}

/** P5 against bare pg-boss with as many worker processes (issue 20, target 4). */
function bossBaselineChecks(e: ExecutionMeasurement, bare: BossBaselineMeasurement): Check[] {
  const workers = `${e.workers} worker(s)`;
  return [
    {
      id: "P5",
      what: `${workers} actions/s / bare pg-boss jobs/s`,
      value: `${fmt(e.actionsPerSecond / bare.jobsPerSecond)}× (${fmt(e.actionsPerSecond, 0)}/${fmt(bare.jobsPerSecond, 0)}; bare: ${bare.completed}/${bare.jobs} in ${fmt(bare.seconds)} s)`,
      target: `≥ ${TARGETS.bossBaselineRatio}×`,
      pass: e.finished && bare.finished && e.actionsPerSecond >= TARGETS.bossBaselineRatio * bare.jobsPerSecond,
    },
    {
      id: "P5",
      what: `${workers} pickup p50 / bare pg-boss`,
      value: `${fmt(e.pickupP50Ms / bare.pickupP50Ms)}× (${fmt(e.pickupP50Ms, 1)}/${fmt(bare.pickupP50Ms, 1)} ms; bare p99 ${fmt(bare.pickupP99Ms, 1)} ms; bare started_on − created_on p50 ${fmt(bare.fetchP50Ms, 1)} ms)`,
      target: `≤ ${TARGETS.bossPickupFactor}×`,
      pass: e.pickupP50Ms <= TARGETS.bossPickupFactor * bare.pickupP50Ms,
    },
    {
      id: "P5",
      what: `${workers} commits per action / per bare job`,
      value: `${fmt(e.commitsPerAction)}/${fmt(bare.commitsPerJob)} (pg_stat_database.xact_commit, request → COMPLETED)`,
      target: "report",
      pass: true,
      info: true,
    },
  ];
}

const AUDIT_TARGETS = {
  /** P5: "≤ 10% fewer requests/s than without the chain". */
  chainRequestsRatio: 0.9,
  exportEventsPerSecond: 100_000,
  verifyEventsPerSecond: 200_000,
} as const;

/** The audit chain's costs (issue 14): P4's stubs, P5 with/without the chain, P9 export + verify. */
function auditChecks(m: Measurements): Check[] {
  const checks: Check[] = [];
  if (m.retention) {
    const r = m.retention;
    const previous = r.previous
      ? `; latest.json ${fmt(r.previous.rowsPerSecond, 0)} rows/s (${r.previous.commit ?? "?"}, ${r.previous.date?.slice(0, 16)})`
      : "";
    checks.push({
      id: "P4",
      what: "retention with the chain: stubs",
      value: `${r.stubsWritten} stubs for ${r.sealedEventsDeleted} sealed of ${r.eventsDeleted} events deleted; ${fmt(r.rowsPerSecond, 0)} rows/s${previous}`,
      target: "one stub per sealed event deleted",
      pass: r.stubsWritten === r.sealedEventsDeleted && r.eventsDeleted > 0,
    });
  }
  const on = m.execution.find((e) => e.workers === 1 && e.chain !== false);
  const off = m.execution.find((e) => e.workers === 1 && e.chain === false);
  if (on && off) {
    const ratio = on.requests.rps / off.requests.rps;
    checks.push({
      id: "P5",
      what: "1 worker req/s chain on/off",
      value:
        `${fmt(on.requests.rps, 0)}/${fmt(off.requests.rps, 0)} = ${fmt(ratio)}× ` +
        `(actions/s ${fmt(on.actionsPerSecond, 0)}/${fmt(off.actionsPerSecond, 0)} = ${fmt(on.actionsPerSecond / off.actionsPerSecond)}×; ` +
        `app CPU/POST ${fmt(on.requests.serverCpuMsPerRequest)}/${fmt(off.requests.serverCpuMsPerRequest)} ms; ` +
        `WAL/action ${fmt(on.walBytesPerAction / 1024, 1)}/${fmt(off.walBytesPerAction / 1024, 1)} KiB, ` +
        `full-page images ${fmt(on.walFullPageImagesPerAction)}/${fmt(off.walFullPageImagesPerAction)})`,
      target: `≥ ${AUDIT_TARGETS.chainRequestsRatio}×`,
      pass: ratio >= AUDIT_TARGETS.chainRequestsRatio && on.finished && off.finished,
    });
  }
  if (m.audit) {
    const { export: e, verify: v } = m.audit;
    checks.push({
      id: "P9",
      what: "audit export events/s",
      value: `${fmt(e.eventsPerSecond, 0)} (${e.events} events, ${fmt(e.bytes / 2 ** 20, 0)} MB in ${fmt(e.seconds)} s, app CPU ${fmt(e.serverCpuUsPerEvent)} µs/event)`,
      target: `≥ ${AUDIT_TARGETS.exportEventsPerSecond}`,
      pass: e.eventsPerSecond >= AUDIT_TARGETS.exportEventsPerSecond,
    });
    checks.push({
      id: "P9",
      what: "audit export peak RSS growth",
      value: `${fmt(e.rssGrowthMb, 1)} MB (${fmt(e.rssBeforeMb, 0)} → ${fmt(e.rssPeakMb, 0)} MB)`,
      target: `≤ ${TARGETS.exportGrowthMb} MB`,
      pass: e.rssGrowthMb <= TARGETS.exportGrowthMb,
    });
    checks.push({
      id: "P9",
      what: "audit verify events/s",
      value:
        `${fmt(v.eventsPerSecond, 0)} (${fmt(v.seconds)} s wall incl. ${fmt(v.startupSeconds)} s start-up; ` +
        `by CPU ${fmt(v.cpuEventsPerSecond, 0)}/s, ${fmt(v.cpuSeconds)} s user+sys; peak RSS ${fmt(v.peakRssMb, 0)} MB)`,
      target: `≥ ${AUDIT_TARGETS.verifyEventsPerSecond}`,
      pass: v.eventsPerSecond >= AUDIT_TARGETS.verifyEventsPerSecond,
    });
    checks.push({
      id: "P9",
      what: "audit verify verdict",
      value: `exit ${v.exitCode}: ${v.verdict.split("\n")[0]?.slice(0, 140)}`,
      target: "exit 0 (OK)",
      pass: v.exitCode === 0,
    });
  }
  return checks;
}

/** The table printed at the end of a run (and kept in the JSON as text). */
export function renderTable(checks: Check[]): string {
  const header = ["", "measure", "value", "target", ""];
  const rows = checks.map((c) => [c.id, c.what, c.value, c.target, c.info ? "info" : c.pass ? "PASS" : "FAIL"]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join(" | ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}
