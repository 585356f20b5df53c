import { describe, expect, it } from "vitest";
import { PENDING_QUEUE_PAGE_SIZE } from "@/lib/pending-queue";
import type { Severity } from "@/lib/schemas";
import { callerFor } from "@/test/calls";
import { createActions, createIncident, createOrganization } from "@/test/factories";

const T0 = new Date("2026-04-20T06:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const violating = { policy: { outcome: "PENDING_APPROVAL", violations: ["Environment production is blocked."] } };

interface Spec {
  name: string;
  severity: Severity;
  environment: string;
  violations?: boolean;
  at: number;
}

/** Pending actions named by their serviceName, so the expected order reads as names. */
async function seed(org: string, specs: Spec[]): Promise<void> {
  const incidentId = await createIncident(org, { title: "Checkout is down" });
  await createActions(
    org,
    specs.map((s) => ({
      incidentId,
      status: "PENDING_APPROVAL" as const,
      serviceName: s.name,
      severity: s.severity,
      environment: s.environment,
      details: s.violations ? violating : { policy: { outcome: "PENDING_APPROVAL", violations: [] } },
      createdAt: minutes(s.at),
      updatedAt: minutes(s.at),
    })),
  );
}

describe("remediation.pendingQueue", () => {
  it("orders by recorded violations, then severity, then environment, then oldest first", async () => {
    const org = await createOrganization("queue");
    await seed(org, [
      { name: "low-dev-old", severity: "LOW", environment: "dev", at: 0 },
      { name: "crit-prod-new", severity: "CRITICAL", environment: "production", at: 50 },
      { name: "crit-prod-old", severity: "CRITICAL", environment: "production", at: 10 },
      { name: "crit-staging", severity: "CRITICAL", environment: "staging", at: 1 },
      { name: "crit-qa", severity: "CRITICAL", environment: "qa", at: 2 },
      { name: "crit-dev", severity: "CRITICAL", environment: "dev", at: 3 },
      { name: "crit-sandbox", severity: "CRITICAL", environment: "sandbox", at: 4 },
      { name: "high-prod", severity: "HIGH", environment: "production", at: 5 },
      { name: "medium-prod", severity: "MEDIUM", environment: "production", at: 6 },
      { name: "low-prod", severity: "LOW", environment: "production", at: 7 },
      { name: "violating-low-dev", severity: "LOW", environment: "dev", violations: true, at: 60 },
      { name: "violating-high-prod", severity: "HIGH", environment: "production", violations: true, at: 70 },
    ]);
    const page = await callerFor(org).remediation.pendingQueue({ offset: 0, limit: 25 });
    expect(page.rows.map((r) => r.serviceName)).toEqual([
      "violating-high-prod",
      "violating-low-dev",
      "crit-prod-old",
      "crit-prod-new",
      "crit-staging",
      "crit-qa",
      "crit-dev",
      "crit-sandbox",
      "high-prod",
      "medium-prod",
      "low-prod",
      "low-dev-old",
    ]);
    expect(page.total).toBe(12);
    expect(page.rows[0]!.incidentTitle).toBe("Checkout is down");
    expect(page.rows[0]!.approvalContext?.requiredApprovals).toBe(1);
  });

  it("only pending rows; the total comes from the counters; pages are stable and complete", async () => {
    const org = await createOrganization("queue");
    const incidentId = await createIncident(org);
    const severities: Severity[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
    const environments = ["production", "staging", "qa", "dev"];
    await createActions(org, {
      count: 60,
      incidentId,
      status: "PENDING_APPROVAL",
      createdAt: T0,
      // Many ties on risk and createdAt: the id must break them for pages not to overlap.
      each: (i) => ({
        severity: severities[i % 4]!,
        environment: environments[(i >> 2) % 4]!,
        createdAt: minutes(i % 3),
        details: i % 7 === 0 ? violating : {},
      }),
    });
    await createActions(org, { count: 5, incidentId, status: "COMPLETED" });
    const caller = callerFor(org);
    const whole = await caller.remediation.pendingQueue({ offset: 0, limit: 100 });
    expect(whole.total).toBe(60);
    expect(whole.rows).toHaveLength(60);
    expect(whole.rows.every((r) => r.status === "PENDING_APPROVAL")).toBe(true);

    const pages = [];
    for (let offset = 0; offset < 60; offset += 25) {
      const page = await caller.remediation.pendingQueue({ offset, limit: 25 });
      expect(page.total).toBe(60);
      expect(page).toMatchObject({ offset, limit: 25 });
      pages.push(...page.rows.map((r) => r.id));
    }
    expect(pages).toEqual(whole.rows.map((r) => r.id));
    expect(new Set(pages).size).toBe(60);

    const past = await caller.remediation.pendingQueue({ offset: 100, limit: 25 });
    expect(past).toMatchObject({ total: 60, rows: [] });
    // Defaults: the first page of PENDING_QUEUE_PAGE_SIZE.
    expect((await caller.remediation.pendingQueue()).rows.map((r) => r.id)).toEqual(
      pages.slice(0, PENDING_QUEUE_PAGE_SIZE),
    );
  });

  it("never shows another organization's actions, nor counts them", async () => {
    const [mine, theirs] = [await createOrganization("queue"), await createOrganization("queue")];
    await createActions(theirs, { count: 4, status: "PENDING_APPROVAL", severity: "CRITICAL" });
    const [own] = await createActions(mine, { count: 1, status: "PENDING_APPROVAL", severity: "LOW" });
    const page = await callerFor(mine).remediation.pendingQueue();
    expect(page.total).toBe(1);
    expect(page.rows.map((r) => r.id)).toEqual([own]);
    expect(await callerFor(theirs).remediation.pendingQueue()).toMatchObject({ total: 4 });
  });

  it("names the guardrails in force now: blocked environments and active freeze windows", async () => {
    const org = await createOrganization("queue");
    const now = Date.now();
    const end = new Date(now + 2 * 3_600_000).toISOString();
    const caller = callerFor(org, { guardrails: { blockedEnvironments: ["staging"], deniedActionTypes: [] } });
    await caller.policy.update({
      freezeWindows: [
        { start: new Date(now - 60_000).toISOString(), end, environments: ["production"], reason: "Black Friday" },
        {
          start: new Date(now + 86_400_000).toISOString(),
          end: new Date(now + 2 * 86_400_000).toISOString(),
          environments: ["qa"],
          reason: "Later",
        },
      ],
    });
    await createActions(org, [
      { status: "PENDING_APPROVAL", environment: "production", serviceName: "prod" },
      { status: "PENDING_APPROVAL", environment: "staging", serviceName: "staging" },
      { status: "PENDING_APPROVAL", environment: "qa", serviceName: "qa" },
    ]);
    const byService = Object.fromEntries(
      (await caller.remediation.pendingQueue()).rows.map((r) => [r.serviceName, r.guardrails]),
    );
    expect(byService.prod).toEqual([
      { kind: "freeze", environment: "production", endsAt: new Date(end).toISOString(), reason: "Black Friday" },
    ]);
    expect(byService.staging).toEqual([{ kind: "blocked", environment: "staging" }]);
    expect(byService.qa).toEqual([]);
  });

  it("malformed recorded violations count as none and never fail the read", async () => {
    const org = await createOrganization("queue");
    const incidentId = await createIncident(org);
    const shapes = [{ policy: { violations: "blocked" } }, { policy: null }, { other: 1 }, violating];
    await createActions(
      org,
      shapes.map((details, i) => ({
        incidentId,
        status: "PENDING_APPROVAL" as const,
        serviceName: `s${i}`,
        details,
        createdAt: minutes(i),
      })),
    );
    const page = await callerFor(org).remediation.pendingQueue();
    expect(page.rows.map((r) => r.serviceName)).toEqual(["s3", "s0", "s1", "s2"]);
  });

  it("needs remediation:view", async () => {
    const org = await createOrganization("queue");
    await expect(callerFor(org, { permissions: [] }).remediation.pendingQueue()).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
