// The worker-crash measurement of issue 12 (item 5), repeatable: real worker processes
// (src/test/execution-worker-entry.ts) run webhook actions against an executor that deduplicates
// on Idempotency-Key, and one of them is SIGKILLed `--kills` times, each time as the executor
// answers it 2xx for an action it carried out: `--moment mid-answer` (default) once the status
// and all but the last byte of the answer have left (the worker is reading it, so it has surely
// not stored it), `--moment after-answer` right after the whole answer left (the narrowest
// window; the worker may win the race and store it first). A killed worker is replaced at once. When every action is terminal, each final
// status is compared with the executor's last answer for it (2xx ⇔ COMPLETED): the target is 0
// contradictions; duplicate deliveries (at-least-once, always with the same Idempotency-Key) are
// counted. Exits 1 on any contradiction.
//
// Outcomes: one action in ten refused by the executor (422 → FAILED), one in ten flaky (503
// once, then 200), the rest 200. Heartbeat 10 s (pg-boss's minimum) and a 1 s
// supervise pass: a killed worker's jobs are re-delivered after ~11 s.
//
// Runs on a scratch database (created and dropped) on DATABASE_URL's server, or on the embedded
// one when DATABASE_URL is unset.
//
//   npx tsx scripts/measure-worker-crashes.ts [--actions 250] [--kills 20] [--workers 3] [--rate 10]
//                                             [--moment mid-answer|after-answer]
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { resolveDatabase } from "@/server/db/bootstrap";
import { disconnectDb } from "@/server/db/client";
import { migrateDatabase, queryServer, quoteIdent, withDatabase } from "@/server/db/migrate";
import { setEnv } from "@/server/env";
import { stopSenderBoss } from "@/server/jobs/boss";
import { type KillMoment, runWorkerCrashes } from "@/test/execution-fixtures";
import { createIncident, createOrganization } from "@/test/factories";
import { testExecutionSettings } from "@/test/settings";

const { values: args } = parseArgs({
  options: {
    actions: { type: "string", default: "250" },
    kills: { type: "string", default: "20" },
    workers: { type: "string", default: "3" },
    rate: { type: "string", default: "10" },
    moment: { type: "string", default: "mid-answer" },
  },
});
if (args.moment !== "mid-answer" && args.moment !== "after-answer") {
  throw new Error("--moment is mid-answer or after-answer");
}
const killMoment: KillMoment = args.moment;

Object.assign(process.env, { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" });

async function main(): Promise<number> {
  const server = await resolveDatabase();
  const scratch = `rcc_crashes_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(server.url, scratch);
  await queryServer(server.url, `CREATE DATABASE ${quoteIdent(scratch)}`);
  setEnv({ DATABASE_URL: url });
  try {
    await migrateDatabase(url);
    const organizationId = await createOrganization("crashes");
    const incidentId = await createIncident(organizationId, {
      title: "Checkout errors",
      serviceName: "checkout",
      environment: "staging",
    });
    const report = await runWorkerCrashes({
      organizationId,
      incidentId,
      settings: testExecutionSettings({
        executor: "webhook",
        webhookUrl: "http://127.0.0.1:1/replaced-per-worker",
        timeoutMs: 20_000,
        retries: 2,
        retryBaseDelayMs: 50,
        heartbeatSeconds: 10,
      }),
      actions: Number(args.actions),
      kills: Number(args.kills),
      workers: Number(args.workers),
      actionsPerSecond: Number(args.rate),
      killMoment,
      superviseIntervalSeconds: 1,
      timeoutMs: 300_000,
    });
    console.table([
      {
        actions: report.actions,
        kills: report.kills,
        "kills before the answer was stored": report.killsBeforeRecord,
        "worker processes": report.workerProcesses,
        COMPLETED: report.statuses.COMPLETED ?? 0,
        FAILED: report.statuses.FAILED ?? 0,
        contradictions: report.contradictions.length,
        deliveries: report.deliveries,
        "duplicate deliveries": report.duplicateDeliveries,
        "same key on every delivery": report.sameKeyOnEveryDelivery,
        seconds: Math.round(report.durationMs / 1000),
      },
    ]);
    console.log("actions by lost attempts:", JSON.stringify(report.lostAttempts));
    if (report.contradictions.length > 0)
      console.log("contradictions:", JSON.stringify(report.contradictions, null, 2));
    return report.contradictions.length > 0 ? 1 : 0;
  } finally {
    await stopSenderBoss();
    await disconnectDb();
    await queryServer(server.url, `DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`);
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
