import { readFileSync } from "node:fs";
import type pg from "pg";

// Linux /proc readers: the app's resident memory (P3) and where the CPU went during a load run
// (app, load generator, everything else), which is what explains a throughput ratio on 2 cores.

const CLOCK_TICKS_PER_SECOND = 100;

/** VmRSS of a process in bytes, or undefined once it is gone. */
function rssBytes(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process, in ms. */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Busy and total CPU time of the whole machine (all cores), in ms. */
function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  const total = busy + (idle ?? 0) + (iowait ?? 0);
  return { busy: (busy * 1000) / CLOCK_TICKS_PER_SECOND, total: (total * 1000) / CLOCK_TICKS_PER_SECOND };
}

export interface CpuShare {
  /** CPU time the server process used, in ms (divided by requests: its cost per request). */
  serverMs: number;
  /** Share of the whole machine (100 = both cores busy), over the measured interval. */
  server: number;
  loadGenerator: number;
  /** PostgreSQL, other engineers' processes, the kernel: machine busy − server − load generator. */
  rest: number;
  machineBusy: number;
}

/** Starts measuring; `stop()` returns the CPU shares since the start. */
export function cpuMeter(serverPid: number): { stop(): CpuShare } {
  const machine0 = machineCpuMs();
  const server0 = processCpuMs(serverPid);
  const self0 = process.cpuUsage();
  return {
    stop() {
      const machine1 = machineCpuMs();
      const self = process.cpuUsage(self0);
      const total = machine1.total - machine0.total || 1;
      const pct = (ms: number) => Math.round((ms / total) * 1000) / 10;
      const serverMs = processCpuMs(serverPid) - server0;
      const server = pct(serverMs);
      const loadGenerator = pct((self.user + self.system) / 1000);
      const machineBusy = pct(machine1.busy - machine0.busy);
      return {
        serverMs,
        server,
        loadGenerator,
        rest: Math.round((machineBusy - server - loadGenerator) * 10) / 10,
        machineBusy,
      };
    },
  };
}

/** Samples a process's RSS every `intervalMs` until stopped: the before value and the peak. */
export function rssSampler(pid: number, intervalMs = 50): { stop(): { before: number; peak: number } } {
  const before = rssBytes(pid) ?? 0;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytes(pid) ?? 0);
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, rssBytes(pid) ?? 0);
      return { before, peak };
    },
  };
}

/** How busy the machine is before a phase (other engineers' tests share these 2 cores). */
export async function machineBusyPercent(ms = 1000): Promise<number> {
  const a = machineCpuMs();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = machineCpuMs();
  return Math.round(((b.busy - a.busy) / (b.total - a.total || 1)) * 1000) / 10;
}

/** CPU (ms) so far of every backend connected to the bench database, by pid (local server: /proc). */
export async function databaseCpu(client: pg.Client): Promise<Map<number, number>> {
  const { rows } = await client.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()",
  );
  return new Map(rows.map((r) => [r.pid, processCpuMs(r.pid)]));
}

/** CPU (ms) the database's backends used since `before` (backends started since count whole). */
export async function databaseCpuSince(client: pg.Client, before: Map<number, number>): Promise<number> {
  let ms = 0;
  for (const [pid, cpu] of await databaseCpu(client)) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}
