import { get } from "node:http";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { copyCsvStatement } from "@/server/db/copy";
import { exportCsvQuery } from "@/server/db/stores/actions/export";
import { EXPORT_MAX_LIMIT } from "@/server/remediation/schemas";
import { processCpuMs, rssSampler } from "../proc-stats";
import type { OrgTarget, ServerTarget } from "./reads";

export interface ExportMeasurement {
  limit: number;
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssGrowthMb: number;
  /** App CPU per exported row (µs): what bounds rows/s once a core is saturated. */
  serverCpuUsPerRow: number;
  /** The same COPY statement read by a bare pg-copy-streams client into a null sink, this run. */
  rawCopy: RawCopyMeasurement;
}

export interface RawCopyMeasurement {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** GET with node:http: raw Buffer chunks, no web-stream layer in the client's way. */
function download(url: string, token: string): Promise<{ bytes: number; lineEnds: number }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`export answered ${res.statusCode}`));
        return;
      }
      let bytes = 0;
      let lineEnds = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lineEnds++;
      });
      res.on("end", () => resolve({ bytes, lineEnds }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/**
 * The export's floor: the product's own COPY statement for the same rows (same SQL builder), run
 * by plain pg-copy-streams on one connection, its bytes counted and dropped.
 */
async function measureRawCopy(databaseUrl: string, org: OrgTarget, limit: number): Promise<RawCopyMeasurement> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const started = performance.now();
    const stream = client.query(copyTo(copyCsvStatement(exportCsvQuery(org.organizationId, {}, limit))));
    let rows = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
    }
    const seconds = (performance.now() - started) / 1000;
    return { rows, seconds: round(seconds, 2), rowsPerSecond: Math.round(rows / seconds) };
  } finally {
    await client.end();
  }
}

/** One streamed export, read as it arrives; the app's VmRSS sampled every 50 ms meanwhile. */
async function measureExport(
  databaseUrl: string,
  app: ServerTarget,
  org: OrgTarget,
  limit: number,
): Promise<ExportMeasurement> {
  const rawCopy = await measureRawCopy(databaseUrl, org, limit);
  const sampler = rssSampler(app.pid, 50);
  const cpuBefore = processCpuMs(app.pid);
  const started = performance.now();
  const { bytes, lineEnds } = await download(`${app.url}/remediation/export/csv?limit=${limit}`, org.token);
  const seconds = (performance.now() - started) / 1000;
  const { before, peak } = sampler.stop();
  const cpuMs = processCpuMs(app.pid) - cpuBefore;
  // Every record ends with CRLF and details JSON has no raw newline: records = LFs − header.
  const rows = lineEnds - 1;
  return {
    limit,
    rows,
    bytes,
    seconds: round(seconds, 2),
    rowsPerSecond: Math.round(rows / seconds),
    rssBeforeMb: round(before / MB),
    rssPeakMb: round(peak / MB),
    rssGrowthMb: round((peak - before) / MB),
    serverCpuUsPerRow: round((cpuMs * 1000) / (rows || 1)),
    rawCopy,
  };
}

/**
 * P3: a warm-up export, then the small and the large one (small first: growth must not add up),
 * each after the bare COPY of the same rows; then the bare COPY of the whole organization
 * (`allRows`, 1M in full mode), which the product's `limit` (≤ EXPORT_MAX_LIMIT) does not allow
 * over HTTP: that line is reported, not a target.
 */
export async function measureExports(
  databaseUrl: string,
  app: ServerTarget,
  org: OrgTarget,
  sizes: { small: number; large: number; allRows: number },
): Promise<{ small: ExportMeasurement; large: ExportMeasurement; rawCopyAll: RawCopyMeasurement }> {
  if (sizes.large > EXPORT_MAX_LIMIT) throw new Error(`P3: the export's limit is at most ${EXPORT_MAX_LIMIT}`);
  await measureExport(databaseUrl, app, org, 1000);
  const small = await measureExport(databaseUrl, app, org, sizes.small);
  const large = await measureExport(databaseUrl, app, org, sizes.large);
  const rawCopyAll = await measureRawCopy(databaseUrl, org, sizes.allRows);
  return { small, large, rawCopyAll };
}
