// The hot reads answer their use case's objects unparsed (docs/adr/0014-hot-read-output-checked-by-tests.md):
// this is the check that used to run on every response. On an organization holding every shape
// a row can take, each read's REST body must be byte for byte what the former path answered,
// JSON.stringify(outputSchema.parse(result)): the schema accepts the result, and parsing it
// changes nothing (no key added, dropped or reordered).
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { type ProcedurePath, procedureOutputSchema } from "@/server/root";
import { callerFor, rest } from "@/test/calls";
import { approverId, createActions, createIncident, createOrganization, requestBody } from "@/test/factories";
import { testGuardrails } from "@/test/settings";

const REQUESTER = "requester-1";
const ADMIN = "admin-1";
// Production blocked after the requests: the pending rows' contexts list a violation.
const guardrails = testGuardrails({ blockedEnvironments: ["production"] });

async function send(method: string, path: string, org: string, sub: string, body?: unknown, blocked = false) {
  const res = await rest(method, path, { auth: { organizationId: org, sub }, body, ...(blocked && { guardrails }) });
  const text = await res.text();
  expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
  return text;
}

/** Pending rows with a saved policy, a vote, a TTL and a violation; terminal rows with details, errors, no service. */
async function seededOrganization() {
  const org = await createOrganization("hot");
  const incidentId = await createIncident(org, { environment: "production", severity: "HIGH" });
  await send("PUT", "/remediation/policy", org, ADMIN, {
    quorumRules: [{ approvals: 2 }],
    pendingApprovalTtlMinutes: 60,
  });
  const request = (overrides: Record<string, unknown>) =>
    send("POST", "/remediation/request", org, REQUESTER, requestBody(incidentId, overrides));
  const voted = JSON.parse(await request({ environment: "production" })) as { id: string };
  await request({ environment: "production" });
  // A vote on the context the reads show (with the violation): quorum 2, so it stays pending.
  await send("POST", `/remediation/${voted.id}/approve`, org, approverId(1), { reason: "Looks safe" }, true);
  await createActions(org, [
    {
      incidentId,
      status: "COMPLETED",
      environment: "staging",
      details: { result: { ok: true, took: [1, 2], note: 'ünïcode "quoted" \u2028' } },
    },
    { incidentId, status: "FAILED", environment: "staging", error: "exit 1", serviceName: null },
    { incidentId, status: "REJECTED", environment: "qa", details: { rejection: { by: "x", reason: null } } },
    { status: "QUEUED", environment: "dev", parameters: {} },
  ]);
  return { org, incidentId };
}

const READS: { path: (incidentId: string) => string; procedure: ProcedurePath; input?: object }[] = [
  { path: () => "/remediation/actions?limit=50", procedure: "remediation.list", input: { limit: 50 } },
  { path: () => "/remediation/actions?limit=2", procedure: "remediation.list", input: { limit: 2 } },
  { path: () => "/remediation/actions?status=FAILED", procedure: "remediation.list", input: { status: "FAILED" } },
  {
    path: () => "/remediation/actions?status=PENDING_APPROVAL",
    procedure: "remediation.list",
    input: { status: "PENDING_APPROVAL" },
  },
  {
    path: () => "/remediation/actions?environment=staging",
    procedure: "remediation.list",
    input: { environment: "staging" },
  },
  { path: (i) => `/remediation/history/${i}`, procedure: "remediation.history" },
  { path: () => "/remediation/stats", procedure: "remediation.stats" },
  {
    path: () => "/remediation/stats?environment=staging",
    procedure: "remediation.stats",
    input: { environment: "staging" },
  },
  { path: () => "/remediation/priority-signal", procedure: "remediation.prioritySignal" },
  {
    path: () => "/remediation/priority-signal?environment=production",
    procedure: "remediation.prioritySignal",
    input: { environment: "production" },
  },
];

describe("hot reads answer their output schema's exact JSON without parsing it per response", () => {
  it("every read's REST body equals JSON.stringify(schema.parse(result)), as when each answer was parsed", async () => {
    const { org, incidentId } = await seededOrganization();
    const caller = callerFor(org, { guardrails });
    type Input = Parameters<typeof caller.remediation.list>[0] & Parameters<typeof caller.remediation.stats>[0];
    const results: Partial<Record<ProcedurePath, (input: Input) => Promise<unknown>>> = {
      "remediation.list": (input) => caller.remediation.list(input),
      "remediation.history": () => caller.remediation.history({ incidentId }),
      "remediation.stats": (input) => caller.remediation.stats(input),
      "remediation.prioritySignal": (input) => caller.remediation.prioritySignal(input),
    };
    let pendingWithVotes = 0;
    for (const read of READS) {
      const path = read.path(incidentId);
      const res = await rest("GET", path, { auth: { organizationId: org, sub: ADMIN }, guardrails });
      const body = await res.text();
      expect(res.status, path).toBe(200);
      const result = await results[read.procedure]!(read.input as Input);
      const schema = procedureOutputSchema(read.procedure) as z.ZodType;
      expect(body, path).toBe(JSON.stringify(schema.parse(result)));
      expect(body, path).toBe(JSON.stringify(result));
      if (body.includes('"actor":"approver-1"') && body.includes("production")) pendingWithVotes++;
    }
    // The seed really produced the rich shapes (a pending row with its vote and a violation).
    expect(pendingWithVotes).toBeGreaterThan(0);
    const pending = await caller.remediation.list({ status: "PENDING_APPROVAL" });
    expect(pending.map((r) => r.approvalContext?.violations.length)).toEqual([1, 1]);
  });
});
