import pg from "pg";
import { processCpuMs, rssSampler } from "../proc-stats";
import type { OrgTarget, ServerTarget } from "./reads";

export interface ReplayMeasurement {
  days: number;
  evaluated: number;
  /** Actions of the organization with createdAt in the answer's [from, to], counted with SQL. */
  expected: number;
  changed: number;
  transitions: Record<string, number>;
  samples: number;
  seconds: number;
  /** evaluated / wall seconds of the call. */
  requestsPerSecond: number;
  /** App CPU per replayed request (µs). */
  serverCpuUsPerRequest: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssGrowthMb: number;
  /** The same call on a window of a tenth of the days: growth must not scale with the window. */
  small: { days: number; evaluated: number; seconds: number; rssGrowthMb: number };
}

interface SimulateAnswer {
  from: string;
  to: string;
  evaluated: number;
  changed: number;
  transitions: Record<string, number>;
  samples: unknown[];
}

const MB = 1024 * 1024;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
/** The draft: staging now needs approval too. */
const DRAFT = { requireApprovalEnvironments: ["production", "staging"] };

async function simulate(app: ServerTarget, token: string, days: number) {
  const sampler = rssSampler(app.pid, 50);
  const cpuBefore = processCpuMs(app.pid);
  const started = performance.now();
  const res = await fetch(`${app.url}/remediation/policy/simulate`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ policy: DRAFT, days, sampleLimit: 50 }),
  });
  const text = await res.text();
  const seconds = (performance.now() - started) / 1000;
  const cpuMs = processCpuMs(app.pid) - cpuBefore;
  const { before, peak } = sampler.stop();
  if (res.status !== 200) throw new Error(`P8: simulate answered ${res.status}: ${text.slice(0, 300)}`);
  return { answer: JSON.parse(text) as SimulateAnswer, seconds, cpuMs, before, peak };
}

/**
 * P8 (issue 17): POST /remediation/policy/simulate of the big organization over 90 days, a
 * draft requiring approval for staging: replayed requests per second of wall time and the app's
 * VmRSS (sampled every 50 ms, peak − before). A 9-day call first (warm-up and the "flat" check),
 * then the 90-day one; `evaluated` is checked against a COUNT(*) of the same window.
 */
export async function measureReplay(
  databaseUrl: string,
  app: ServerTarget,
  org: OrgTarget,
): Promise<ReplayMeasurement> {
  await simulate(app, org.token, 1);
  const small = await simulate(app, org.token, 9);
  const large = await simulate(app, org.token, 90);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let expected: number;
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM remediation_actions
       WHERE "organizationId" = $1 AND "createdAt" >= $2::timestamptz AND "createdAt" <= $3::timestamptz`,
      [org.organizationId, large.answer.from, large.answer.to],
    );
    expected = rows[0]!.n;
  } finally {
    await client.end();
  }
  const a = large.answer;
  return {
    days: 90,
    evaluated: a.evaluated,
    expected,
    changed: a.changed,
    transitions: a.transitions,
    samples: a.samples.length,
    seconds: round(large.seconds, 2),
    requestsPerSecond: Math.round(a.evaluated / large.seconds),
    serverCpuUsPerRequest: round((large.cpuMs * 1000) / (a.evaluated || 1), 2),
    rssBeforeMb: round(large.before / MB),
    rssPeakMb: round(large.peak / MB),
    rssGrowthMb: round((large.peak - large.before) / MB),
    small: {
      days: 9,
      evaluated: small.answer.evaluated,
      seconds: round(small.seconds, 2),
      rssGrowthMb: round((small.peak - small.before) / MB),
    },
  };
}
