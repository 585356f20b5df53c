import type { ApproveMeasurement } from "./phases/approve";
import type { ExecutionMeasurement } from "./phases/execution";
import type { ExportMeasurement } from "./phases/export";
import type { ReadMeasurement } from "./phases/reads";
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
  exports?: { small: ExportMeasurement; large: ExportMeasurement };
  retention?: RetentionMeasurement;
  execution: ExecutionMeasurement[];
  approve?: ApproveMeasurement;
}

const TARGETS = {
  scalingRatio: 1.5,
  counterReadP50Ms: 10,
  baselineShare: 0.5,
  exportRowsPerSecond: 100_000,
  exportGrowthMb: 64,
  /** "Flat": the 100k export may not grow the app more than this above the 10k one. */
  exportFlatMb: 16,
  purgeRowsPerSecond: 50_000,
  purgeP99Factor: 2,
  actionsPerSecond: 300,
  pickupP50Ms: 50,
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
    checks.push({
      id: "P4",
      what: "retention purge rows/s",
      value: `${fmt(r.rowsPerSecond, 0)} (${r.deletedCount} rows in ${fmt(r.seconds)} s; counters ${r.counterDrift === 0 ? "exact" : `DRIFT ${r.counterDrift}`})`,
      target: `≥ ${TARGETS.purgeRowsPerSecond}`,
      pass: r.rowsPerSecond >= TARGETS.purgeRowsPerSecond && r.counterDrift === 0,
    });
    checks.push({
      id: "P4",
      what: "list p99 during purge / idle",
      value: `${fmt(r.duringPurge.p99)}/${fmt(r.idle.p99)} ms = ${fmt(r.duringPurge.p99 / r.idle.p99)}× (${r.idle.connections} conn; p50 ${fmt(r.duringPurge.p50)}/${fmt(r.idle.p50)} ms)`,
      target: `≤ ${TARGETS.purgeP99Factor}×`,
      pass: r.duringPurge.p99 <= TARGETS.purgeP99Factor * r.idle.p99,
    });
  }
  for (const e of m.execution) {
    checks.push({
      id: "P5",
      what: `${e.workers} worker(s) actions/s`,
      value:
        `${fmt(e.actionsPerSecond, 0)} (${e.completed}/${e.requested} in ${fmt(e.seconds)} s; POST ${fmt(e.requests.rps, 0)}/s ` +
        `p50 ${fmt(e.requests.p50)} ms, app CPU/POST ${fmt(e.requests.serverCpuMsPerRequest)} ms, machine CPU/action ${fmt(e.machineCpuMsPerAction, 1)} ms)`,
      target: `≥ ${TARGETS.actionsPerSecond}`,
      pass: e.finished && e.actionsPerSecond >= TARGETS.actionsPerSecond,
    });
    checks.push({
      id: "P5",
      what: `${e.workers} worker(s) pickup p50`,
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
