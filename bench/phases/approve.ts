import { cpus } from "node:os";
import pg from "pg";
import type { BenchConfig } from "../config";
import { type LoadResult, runLoad } from "../load";
import { waitSampler } from "../wait-sampler";
import type { ServerTarget } from "./reads";

export interface ApproveMeasurement {
  /** Pending approvals approved under measurement (the warm-up ones not included). */
  approvals: number;
  warmupApprovals: number;
  /** Creating the pending approvals (POST /remediation/request, production): not the measure. */
  create: { seconds: number; rps: number; pending: number; other: number };
  /** POST /remediation/:id/approve, every id once, 16 connections. */
  approve: LoadResult;
  /** Answers by `<http status> <body status>`, e.g. `{"200 QUEUED": 5000}`. */
  answers: Record<string, number>;
  /** Answers other than 200 with status QUEUED (must be 0). */
  unexpected: number;
  /** Ids the load generator sent (must equal `approvals`: each once). */
  idsSent: number;
  /** Of the measured ids: actions now QUEUED, and pg-boss jobs of queue remediation-execute. */
  queuedActions: number;
  executeJobs: number;
  /** Jobs for the same action more than once (must be 0). */
  duplicateJobs: number;
  /** Average active backends per wait event during the approvals (see wait-sampler.ts). */
  waits: Record<string, number>;
  /** Whole machine (app, PostgreSQL, load generator, others) CPU per approve, ms. */
  machineCpuMsPerApprove: number;
}

/** Production: the default policy sends it to PENDING_APPROVAL (one approval required). */
const requestBody = (incidentId: string) => ({
  incidentId,
  actionType: "restart-service",
  parameters: { service: "api-gateway" },
  environment: "production",
  severity: "LOW",
});

/** Creates `count` pending approvals through the API (16 connections); their ids, in order of answer. */
async function createPending(
  app: ServerTarget,
  org: { incidentId: string; requestToken: string },
  count: number,
  connections: number,
): Promise<{ ids: string[]; load: LoadResult; other: number; firstOther?: string }> {
  const ids: string[] = [];
  let other = 0;
  let firstOther: string | undefined;
  const load = await runLoad({
    url: `${app.url}/remediation/request`,
    token: org.requestToken,
    method: "POST",
    body: requestBody(org.incidentId),
    connections: Math.min(connections, count),
    amount: count,
    serverPid: app.pid,
    onResponse: (status, body) => {
      const row = status === 201 ? (JSON.parse(body) as { id?: string; status?: string }) : undefined;
      if (row?.id && row.status === "PENDING_APPROVAL") ids.push(row.id);
      else {
        other++;
        firstOther ??= `${status} ${body.slice(0, 300)}`;
      }
    },
  });
  return { ids, load, other, ...(firstOther !== undefined && { firstOther }) };
}

/** Approves every id once (each request takes the next); answers counted by status. */
async function approveAll(
  app: ServerTarget,
  approverToken: string,
  ids: string[],
  connections: number,
): Promise<{ load: LoadResult; answers: Record<string, number>; idsSent: number }> {
  const answers: Record<string, number> = {};
  let next = 0;
  const load = await runLoad({
    url: app.url,
    token: approverToken,
    method: "POST",
    body: {},
    connections: Math.min(connections, ids.length),
    amount: ids.length,
    serverPid: app.pid,
    nextPath: () => `/remediation/${ids[next++]}/approve`,
    onResponse: (status, body) => {
      let answer: string;
      try {
        answer = `${status} ${(JSON.parse(body) as { status?: string }).status ?? body.slice(0, 120)}`;
      } catch {
        answer = `${status} ${body.slice(0, 120)}`;
      }
      answers[answer] = (answers[answer] ?? 0) + 1;
    },
  });
  return { load, answers, idsSent: next };
}

/**
 * PA: the approve path. Creates warm-up + `approveRequests` pending approvals in an empty
 * organization through the API as the requester, approves the warm-up ones (untimed: JIT,
 * pools), then every measured one exactly once over 16 connections with a token of another
 * `sub` holding remediation:approve (separation of duties). The app runs with RUN_WORKER=false,
 * so the execute jobs stay queued and are counted afterwards.
 */
export async function measureApprove(
  config: BenchConfig,
  databaseUrl: string,
  app: ServerTarget,
  org: { organizationId: string; incidentId: string; requestToken: string; approverToken: string },
  log: (m: string) => void,
): Promise<ApproveMeasurement> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    const count = config.approveRequests + config.approveWarmupRequests;
    const created = await createPending(app, org, count, config.connections);
    const createSeconds = created.load.seconds;
    if (created.ids.length !== count)
      throw new Error(
        `PA: ${created.ids.length}/${count} requests answered 201 PENDING_APPROVAL (first other: ${created.firstOther})`,
      );
    log(`PA: ${count} pending approvals created in ${createSeconds.toFixed(1)} s (${created.load.rps}/s)`);
    const warmupIds = created.ids.slice(0, config.approveWarmupRequests);
    const ids = created.ids.slice(config.approveWarmupRequests);

    // What autovacuum would have done by then (off on the CI server); as before each P5 run.
    const vacuumStarted = performance.now();
    await client.query("VACUUM (ANALYZE) pgboss.job, remediation_actions, remediation_events, remediation_counters");
    log(`PA: VACUUM (ANALYZE) ${((performance.now() - vacuumStarted) / 1000).toFixed(1)} s`);

    const warm = await approveAll(app, org.approverToken, warmupIds, 4);
    if ((warm.answers["200 QUEUED"] ?? 0) !== warmupIds.length)
      throw new Error(`PA warm-up approvals answered ${JSON.stringify(warm.answers)}`);

    const sampler = waitSampler(databaseUrl);
    const measured = await approveAll(app, org.approverToken, ids, config.connections);
    const waits = await sampler.stop();
    const { load, answers } = measured;

    const { rows } = await client.query<{ queued: number; jobs: number; duplicates: number }>(
      `WITH ids AS (SELECT unnest($2::uuid[]) AS id),
            jobs AS (SELECT data->>'actionId' AS id, count(*)::int AS n FROM pgboss.job
                     WHERE name = 'remediation-execute' AND (data->>'actionId')::uuid IN (SELECT id FROM ids) GROUP BY 1)
       SELECT (SELECT count(*)::int FROM remediation_actions
               WHERE "organizationId" = $1 AND id IN (SELECT id FROM ids) AND status = 'QUEUED') AS queued,
              (SELECT coalesce(sum(n), 0)::int FROM jobs) AS jobs,
              (SELECT count(*)::int FROM jobs WHERE n > 1) AS duplicates`,
      [org.organizationId, ids],
    );
    const r = rows[0]!;
    const result: ApproveMeasurement = {
      approvals: ids.length,
      warmupApprovals: warmupIds.length,
      create: {
        seconds: Math.round(createSeconds * 100) / 100,
        rps: created.load.rps,
        pending: created.ids.length,
        other: created.other,
      },
      approve: load,
      answers,
      unexpected: load.requests - (answers["200 QUEUED"] ?? 0) + load.errors,
      idsSent: measured.idsSent,
      queuedActions: r.queued,
      executeJobs: r.jobs,
      duplicateJobs: r.duplicates,
      waits,
      machineCpuMsPerApprove:
        Math.round(((load.cpu.machineBusy / 100) * cpus().length * 1000 * load.seconds * 100) / (load.requests || 1)) /
        100,
    };
    log(
      `PA: ${load.requests} approvals in ${load.seconds} s (${load.rps}/s), p50 ${load.p50} ms p99 ${load.p99} ms, ` +
        `app CPU ${load.serverCpuMsPerRequest} ms/approve, machine CPU ${result.machineCpuMsPerApprove} ms/approve; ` +
        `answers ${JSON.stringify(answers)}, ${r.queued} QUEUED, ${r.jobs} jobs; backends waiting: ${JSON.stringify(waits)}`,
    );
    return result;
  } finally {
    await client.end();
  }
}
