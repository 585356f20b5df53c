import { spawn } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { findRepoRoot } from "@/server/data-files";
import { processCpuMs, rssSampler } from "../proc-stats";
import type { OrgTarget, ServerTarget } from "./reads";

export interface AuditMeasurement {
  /** GET /remediation/audit/export of the whole chain, saved to a temporary file. */
  export: {
    events: number;
    bytes: number;
    seconds: number;
    eventsPerSecond: number;
    rssBeforeMb: number;
    rssPeakMb: number;
    rssGrowthMb: number;
    serverCpuUsPerEvent: number;
  };
  /** `scripts/audit-verify.ts FILE --keys JWKS` in a process of its own, timed by /usr/bin/time. */
  verify: {
    exitCode: number;
    verdict: string;
    seconds: number;
    eventsPerSecond: number;
    /** user + sys CPU seconds of the verifier process (the machine may be shared). */
    cpuSeconds: number;
    cpuEventsPerSecond: number;
    /** Wall time of the same process with `--help` (node + tsx start-up), for reference. */
    startupSeconds: number;
    peakRssMb: number;
  };
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Streams the export into `file` as the client reads it; counts the lines on the way. */
function downloadTo(url: string, token: string, file: string): Promise<{ bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`audit export answered ${res.statusCode}`));
        return;
      }
      let bytes = 0;
      let lines = 0;
      const count = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
          done(null, chunk);
        },
      });
      pipeline(res, count, createWriteStream(file)).then(() => resolve({ bytes, lines }), reject);
    });
    req.on("error", reject);
  });
}

/** Runs the verifier under /usr/bin/time: exit code, stdout+stderr, wall, user+sys CPU, max RSS. */
function timedVerifier(
  args: string[],
): Promise<{ code: number; output: string; seconds: number; cpu: number; rssKb: number }> {
  const root = findRepoRoot();
  const timeFile = path.join(tmpdir(), `bench-verify-time-${process.pid}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      "/usr/bin/time",
      ["-o", timeFile, "-f", "%U %S %M", process.execPath, "--import", "tsx", "scripts/audit-verify.ts", ...args],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, INIT_CWD: root } },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const seconds = (performance.now() - started) / 1000;
      try {
        const [user, sys, rssKb] = readFileSync(timeFile, "utf8").trim().split("\n").at(-1)!.split(" ").map(Number);
        rmSync(timeFile, { force: true });
        resolve({ code: code ?? 1, output: output.trim(), seconds, cpu: (user ?? 0) + (sys ?? 0), rssKb: rssKb ?? 0 });
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * P9: the big organization's whole audit chain through GET /remediation/audit/export (the app's
 * VmRSS sampled every 50 ms as in P3), saved to a temporary file; the JWKS from
 * GET /.well-known/remediation-audit-keys; then the offline verifier on the file.
 */
export async function measureAudit(
  app: ServerTarget,
  org: OrgTarget,
  log: (m: string) => void,
): Promise<AuditMeasurement> {
  const dir = mkdtempSync(path.join(tmpdir(), "rcc-bench-audit-"));
  try {
    const file = path.join(dir, "remediation-audit.ndjson");
    const sampler = rssSampler(app.pid, 50);
    const cpuBefore = processCpuMs(app.pid);
    const started = performance.now();
    const { bytes, lines } = await downloadTo(`${app.url}/remediation/audit/export`, org.token, file);
    const seconds = (performance.now() - started) / 1000;
    const { before, peak } = sampler.stop();
    const cpuMs = processCpuMs(app.pid) - cpuBefore;
    // One line per event or pruned stub, then the checkpoint line.
    const events = lines - 1;
    log(`P9: exported ${events} events (${round(bytes / MB)} MB) in ${round(seconds, 2)} s`);

    const keys = await fetch(`${app.url}/.well-known/remediation-audit-keys`);
    if (keys.status !== 200) throw new Error(`audit keys answered ${keys.status}`);
    const keysFile = path.join(dir, "remediation-audit-keys.json");
    writeFileSync(keysFile, await keys.text());

    const startup = await timedVerifier(["--help"]);
    const verified = await timedVerifier([file, "--keys", keysFile]);
    log(`P9: verify exit ${verified.code} in ${round(verified.seconds, 2)} s: ${verified.output.slice(0, 300)}`);
    if (statSync(file).size !== bytes) throw new Error("P9: the saved export differs in size from the download");
    return {
      export: {
        events,
        bytes,
        seconds: round(seconds, 2),
        eventsPerSecond: Math.round(events / seconds),
        rssBeforeMb: round(before / MB),
        rssPeakMb: round(peak / MB),
        rssGrowthMb: round((peak - before) / MB),
        serverCpuUsPerEvent: round((cpuMs * 1000) / (events || 1), 2),
      },
      verify: {
        exitCode: verified.code,
        verdict: verified.output.slice(0, 500),
        seconds: round(verified.seconds, 2),
        eventsPerSecond: Math.round(events / verified.seconds),
        cpuSeconds: round(verified.cpu, 2),
        cpuEventsPerSecond: Math.round(events / (verified.cpu || Number.NaN)),
        startupSeconds: round(startup.seconds, 2),
        peakRssMb: round(verified.rssKb / 1024),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
