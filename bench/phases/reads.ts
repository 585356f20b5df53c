import type { BenchConfig } from "../config";
import { type LoadResult, runLoad, warmUp } from "../load";

export interface ReadEndpoint {
  name: string;
  /** Path for an organization (history needs one of its incidents). */
  path: (org: OrgTarget) => string;
  /** Top-level JSON fields that are ages at the moment of the request: left out of the body check. */
  ages?: readonly string[];
}

export interface OrgTarget {
  organizationId: string;
  token: string;
  incidentId: string;
}

export interface ServerTarget {
  url: string;
  pid: number;
}

export interface ReadMeasurement {
  endpoint: string;
  path: string;
  appBig: LoadResult;
  appSmall: LoadResult;
  baselineBig: LoadResult;
  baselineSmall: LoadResult;
  /** Unloaded service time: one connection, app, big organization. */
  appBigSingle: LoadResult;
}

/** P1/P2: the hot reads the Control Center polls. */
const READ_ENDPOINTS: ReadEndpoint[] = [
  { name: "actions", path: () => "/remediation/actions?limit=50" },
  { name: "actions?status", path: () => "/remediation/actions?limit=50&status=FAILED" },
  { name: "actions?environment", path: () => "/remediation/actions?limit=50&environment=staging" },
  { name: "stats", path: () => "/remediation/stats" },
  { name: "priority-signal", path: () => "/remediation/priority-signal" },
  { name: "history/:incidentId", path: (org) => `/remediation/history/${org.incidentId}` },
  // The default 7-day window: its decisions (the seed's REJECTED events) grow with the organization.
  { name: "approval-metrics", path: () => "/remediation/approval-metrics", ages: ["oldestPendingSeconds"] },
];

/** `--reads a,b`: only these endpoints (by name); default all. */
export function selectedReads(names: readonly string[] | undefined): ReadEndpoint[] {
  if (!names) return READ_ENDPOINTS;
  const unknown = names.filter((n) => !READ_ENDPOINTS.some((e) => e.name === n));
  if (unknown.length)
    throw new Error(`--reads: unknown ${unknown.join(", ")} (known: ${READ_ENDPOINTS.map((e) => e.name).join(", ")})`);
  return READ_ENDPOINTS.filter((e) => names.includes(e.name));
}

/**
 * Each endpoint: app × {big, small organization} and baseline × {big, small}, back to back (so
 * drift on a shared machine hits all four alike), each warmed up first, then a one-connection
 * run of the app for the unloaded service time.
 */
export async function measureReads(
  config: BenchConfig,
  servers: { app: ServerTarget; baseline: ServerTarget },
  orgs: { big: OrgTarget; small: OrgTarget },
  log: (m: string) => void,
): Promise<ReadMeasurement[]> {
  const out: ReadMeasurement[] = [];
  for (const endpoint of selectedReads(config.reads)) {
    const run = async (server: ServerTarget, org: OrgTarget, connections = config.connections, seconds?: number) => {
      const options = {
        url: `${server.url}${endpoint.path(org)}`,
        token: org.token,
        connections,
        durationSeconds: seconds ?? config.durationSeconds,
        serverPid: server.pid,
      };
      await warmUp(options, config.warmupSeconds);
      const result = await runLoad(options);
      if (result.non2xx > 0 || result.errors > 0) {
        log(`  ! ${endpoint.name} on ${server.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      }
      return result;
    };
    const m: ReadMeasurement = {
      endpoint: endpoint.name,
      path: endpoint.path(orgs.big),
      appBig: await run(servers.app, orgs.big),
      appSmall: await run(servers.app, orgs.small),
      baselineBig: await run(servers.baseline, orgs.big),
      baselineSmall: await run(servers.baseline, orgs.small),
      appBigSingle: await run(servers.app, orgs.big, 1, Math.max(1, Math.round(config.durationSeconds / 3))),
    };
    log(
      `P1/P2 ${endpoint.name}: app p50 ${m.appBig.p50}/${m.appSmall.p50} ms (big/small), ${m.appBig.rps} rps; ` +
        `baseline ${m.baselineBig.rps} rps; 1-conn p50 ${m.appBigSingle.p50} ms`,
    );
    out.push(m);
  }
  return out;
}
