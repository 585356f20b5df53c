import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendEventAt } from "@/server/db/simulate";
import type { RunningWorker } from "@/server/jobs/worker";
import { callerFor } from "@/test/calls";
import { createQueuedAction, startExecutionWorker, waitForTerminal } from "@/test/execution-fixtures";
import { bearer, createAction, createIncident, createOrganization, requestBody } from "@/test/factories";
import { createReportingSettings } from "@/test/reporting-fixtures";
import { testExecutionSettings } from "@/test/settings";
import { handleMetrics } from "./metrics";

const METRICS_TOKEN = "metrics-token-for-tests-0123456789";

const FAMILIES = [
  "rcc_approval_decision_seconds",
  "rcc_executions_total",
  "rcc_executor_duration_seconds",
  "rcc_report_deliveries_total",
  "rcc_pending_approvals",
  "rcc_oldest_pending_approval_seconds",
  "rcc_approval_reminders_sent_total",
  "rcc_approval_escalations_total",
  "rcc_queue_jobs",
  "rcc_metrics_database_up",
  "process_cpu_user_seconds_total",
];

function scrape(authorization?: string): Promise<Response> {
  const headers = authorization ? { authorization } : undefined;
  return handleMetrics(new Request("http://test/metrics", { headers }), METRICS_TOKEN);
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A strict reading of the text exposition format 0.0.4: every line is a HELP or TYPE comment or
 * `name{label="value",…} number`; throws on anything else. Returns the samples and the TYPE of
 * every family.
 */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    if (!sample) throw new Error(`not exposition format: ${line}`);
    const labels: Record<string, string> = {};
    const body = sample[2] ?? "";
    const pairs = [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)];
    if (pairs.map((p) => p[0]).join("") !== body) throw new Error(`bad labels: ${line}`);
    for (const [, name, value] of pairs) labels[name!] = value!;
    samples.push({ name: sample[1]!, labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

const sampleValue = (samples: Sample[], name: string, labels: Record<string, string>) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

let worker: RunningWorker;
let org: string;
let other: string;

beforeAll(async () => {
  worker = await startExecutionWorker(testExecutionSettings({ executor: "simulated", simulatedDelayMs: 0 }));
  [org, other] = [await createOrganization("metrics"), await createOrganization("metrics")];
  const incidentId = await createIncident(org, { environment: "staging" });
  // A decision (approved, then queued and executed), a rejection, one still pending for 10 min.
  const requester = callerFor(org);
  const approver = callerFor(org, { userId: "approver-1" });
  const ask = async () =>
    (await requester.remediation.request(requestBody(incidentId, { environment: "production" }))).action.id;
  const approved = await ask();
  await approver.remediation.approve({ id: approved });
  await approver.remediation.reject({ id: await ask() });
  const pending = await createAction(org, { status: "PENDING_APPROVAL", createdAt: new Date(Date.now() - 600_000) });
  await appendEventAt(org, { actionId: pending, type: "APPROVAL_REMINDER_SENT", createdAt: new Date() });
  await appendEventAt(org, { actionId: pending, type: "APPROVAL_REMINDER_SENT", createdAt: new Date() });
  await appendEventAt(org, { actionId: pending, type: "APPROVAL_ESCALATED", createdAt: new Date() });
  await waitForTerminal(org, approved);
  await waitForTerminal(org, await createQueuedAction(org, incidentId, { parameters: { simulate: "fail" } }));
  // A report to two recipients through the local outbox.
  await createReportingSettings(org, { reportRecipients: ["a@example.com", "b@example.com"] });
  await callerFor(org).reporting.sendNow();
  // Another organization with a pending action of its own.
  await createAction(other, { status: "PENDING_APPROVAL", createdAt: new Date(Date.now() - 60_000) });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe("GET /metrics", () => {
  it("401 without credentials or with a bad bearer, 403 with a token lacking remediation:view", async () => {
    const anonymous = await scrape();
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ statusCode: 401 });
    expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape("Bearer not-a-token")).status).toBe(401);
    expect((await scrape(await bearer(org, { permissions: ["incident:write"] }))).status).toBe(403);
  });

  it("METRICS_TOKEN: every family, every organization, in the text format", async () => {
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const { samples, types } = parseExposition(await res.text());
    for (const family of FAMILIES) expect(types.has(family), family).toBe(true);
    expect(types.get("rcc_approval_decision_seconds")).toBe("histogram");
    expect(types.get("rcc_approval_reminders_sent_total")).toBe("counter");

    expect(sampleValue(samples, "rcc_metrics_database_up", {})).toBe(1);
    expect(sampleValue(samples, "rcc_pending_approvals", { organization: org })).toBe(1);
    expect(sampleValue(samples, "rcc_pending_approvals", { organization: other })).toBe(1);
    const oldest = sampleValue(samples, "rcc_oldest_pending_approval_seconds", { organization: org })!;
    expect(oldest).toBeGreaterThanOrEqual(600);
    expect(oldest).toBeLessThan(700);
    expect(sampleValue(samples, "rcc_approval_reminders_sent_total", { organization: org })).toBe(2);
    expect(sampleValue(samples, "rcc_approval_escalations_total", { organization: org })).toBe(1);
    for (const decision of ["approved", "rejected"])
      expect(sampleValue(samples, "rcc_approval_decision_seconds_count", { organization: org, decision })).toBe(1);
    expect(sampleValue(samples, "rcc_executions_total", { organization: org, outcome: "completed" })).toBe(1);
    expect(sampleValue(samples, "rcc_executions_total", { organization: org, outcome: "failed" })).toBe(1);
    expect(sampleValue(samples, "rcc_executor_duration_seconds_count", { executor: "simulated", outcome: "ok" })).toBe(
      1,
    );
    expect(
      sampleValue(samples, "rcc_executor_duration_seconds_count", { executor: "simulated", outcome: "error" }),
    ).toBe(1);
    expect(sampleValue(samples, "rcc_report_deliveries_total", { organization: org, outcome: "delivered" })).toBe(2);
    expect(
      sampleValue(samples, "rcc_queue_jobs", { queue: "remediation-execute", state: "queued" }),
    ).toBeGreaterThanOrEqual(0);
  });

  it("a remediation:view token: its own organization's series only, no process-wide family", async () => {
    const res = await scrape(await bearer(org, { permissions: ["remediation:view"] }));
    expect(res.status).toBe(200);
    const { samples, types } = parseExposition(await res.text());
    expect(samples.length).toBeGreaterThan(0);
    for (const s of samples.filter((s) => s.name !== "rcc_metrics_database_up"))
      expect(s.labels.organization, s.name).toBe(org);
    expect(sampleValue(samples, "rcc_pending_approvals", { organization: org })).toBe(1);
    expect(sampleValue(samples, "rcc_approval_reminders_sent_total", { organization: org })).toBe(2);
    for (const family of ["rcc_queue_jobs", "rcc_executor_duration_seconds", "process_cpu_user_seconds_total"])
      expect(types.has(family), family).toBe(false);
    // The other organization's token sees its own pending action and none of org's decisions.
    const theirs = parseExposition(await (await scrape(await bearer(other))).text());
    expect(sampleValue(theirs.samples, "rcc_pending_approvals", { organization: other })).toBe(1);
    expect(theirs.samples.some((s) => s.labels.organization === org)).toBe(false);
    expect(theirs.types.has("rcc_approval_decision_seconds")).toBe(false);
  });
});
