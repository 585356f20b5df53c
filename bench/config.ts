import path from "node:path";
import { parseArgs } from "node:util";

/**
 * Sizes and durations of one bench run. Full mode is the deliberate measurement (about 10
 * minutes on the 2-core machine); smoke mode exercises every part of the harness in about a
 * minute for CI, with tables too small for the targets to mean anything.
 */
export interface BenchConfig {
  mode: "full" | "smoke";
  /** Actions of the big organization (P1 "1M"), of each of the nine others, of the small one. */
  bigRows: number;
  otherRows: number;
  otherOrganizations: number;
  smallRows: number;
  /** Actions per incident: equal in every organization, so history pages are the same size. */
  actionsPerIncident: number;
  /** Seconds per autocannon run (and its untimed warm-up). */
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  /** P3: the large and the small export. */
  exportRows: number;
  smallExportRows: number;
  /** P4: connections of the operators' reads measured during the purge. */
  purgeReadConnections: number;
  /** P5: requests per worker configuration, and the worker process counts. */
  executionRequests: number;
  /**
   * P5: unmeasured requests (and bare jobs) before each configuration's run, at the run's
   * concurrency: the app's request path and fresh workers are JIT-compiled before measuring.
   */
  executionWarmupRequests: number;
  workerCounts: number[];
  /** PA: pending approvals created then approved once each (measured), after a few unmeasured ones. */
  approveRequests: number;
  approveWarmupRequests: number;
  /** P7: streams measured for latency, events written meanwhile (per second), idle streams for RSS. */
  liveStreams: number;
  liveEvents: number;
  liveEventsPerSecond: number;
  liveIdleStreams: number;
  /** P6: timed first loads of each page (after one untimed warm-up). */
  firstLoadRuns: number;
  keepDatabase: boolean;
  /** `--database URL`: measure an already seeded bench database (kept; no seed). For iterating. */
  database?: string;
  /** `--phases P2,P3`: run only these phases (P1 and P2 are one phase). Default: all. */
  phases: Set<Phase>;
  /** `--reads approval-metrics,stats`: P1/P2 measure only these endpoints (names of phases/reads.ts). Default: all. */
  reads?: string[];
  port: number;
  baselinePort: number;
  /**
   * `--app-dir PATH` (or BENCH_APP_DIR): the checkout whose app (and P5 workers) are built and
   * started, for a before/after comparison on this harness, database and seed. Default: this one.
   */
  appDir?: string;
}

export const PHASES = ["P1", "P2", "P3", "P4", "P5", "P6", "PA", "P7", "P8", "P9"] as const;
export type Phase = (typeof PHASES)[number];

function parsePhases(value: string | undefined): Set<Phase> {
  if (!value) return new Set(PHASES);
  const wanted = value.split(",").map((p) => p.trim().toUpperCase());
  const unknown = wanted.filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`--phases: unknown ${unknown.join(", ")} (known: ${PHASES.join(", ")})`);
  const phases = new Set(wanted as Phase[]);
  // P1 and P2 come from the same runs.
  if (phases.has("P1") || phases.has("P2")) for (const p of ["P1", "P2"] as const) phases.add(p);
  return phases;
}

export function benchConfig(argv: string[] = process.argv.slice(2)): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      duration: { type: "string" },
      database: { type: "string" },
      phases: { type: "string" },
      port: { type: "string", default: process.env.BENCH_PORT ?? "3203" },
      "app-dir": { type: "string" },
      approvals: { type: "string" },
      reads: { type: "string" },
      "first-load-runs": { type: "string" },
    },
  });
  const appDir = values["app-dir"] ?? process.env.BENCH_APP_DIR;
  const port = Number(values.port);
  const common = {
    actionsPerIncident: 20,
    connections: 16,
    purgeReadConnections: 4,
    workerCounts: [1, 2],
    keepDatabase: (values.keep ?? false) || values.database !== undefined,
    ...(values.database !== undefined && { database: values.database }),
    phases: parsePhases(values.phases),
    ...(values.reads !== undefined && { reads: values.reads.split(",").map((r) => r.trim()) }),
    port,
    baselinePort: port + 1,
    ...(appDir && { appDir: path.resolve(appDir) }),
  };
  const config: BenchConfig = values.smoke
    ? {
        ...common,
        mode: "smoke",
        bigRows: 20_000,
        otherRows: 2_000,
        otherOrganizations: 9,
        smallRows: 2_000,
        durationSeconds: 1,
        warmupSeconds: 0.3,
        exportRows: 10_000,
        smallExportRows: 1_000,
        executionRequests: 200,
        approveRequests: 200,
        approveWarmupRequests: 20,
        executionWarmupRequests: 20,
        liveStreams: 20,
        liveEvents: 10,
        liveEventsPerSecond: 20,
        liveIdleStreams: 100,
        firstLoadRuns: 3,
      }
    : {
        ...common,
        mode: "full",
        bigRows: 1_000_000,
        otherRows: 100_000,
        otherOrganizations: 9,
        smallRows: 10_000,
        durationSeconds: 10,
        warmupSeconds: 2,
        exportRows: 100_000,
        smallExportRows: 10_000,
        executionRequests: 5_000,
        approveRequests: 5_000,
        approveWarmupRequests: 200,
        executionWarmupRequests: 300,
        liveStreams: 500,
        liveEvents: 200,
        liveEventsPerSecond: 20,
        liveIdleStreams: 1000,
        firstLoadRuns: 15,
      };
  if (values.duration) config.durationSeconds = Number(values.duration);
  if (values["first-load-runs"]) {
    config.firstLoadRuns = Number(values["first-load-runs"]);
    if (!Number.isInteger(config.firstLoadRuns) || config.firstLoadRuns < 1)
      throw new Error("--first-load-runs: a positive integer");
  }
  if (values.approvals) {
    config.approveRequests = Number(values.approvals);
    if (!Number.isInteger(config.approveRequests) || config.approveRequests < config.connections)
      throw new Error(`--approvals: an integer ≥ ${config.connections} (one per connection at least)`);
  }
  return config;
}
