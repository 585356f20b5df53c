import type { PrismaClient } from "../src/generated/prisma/client";
import { hashPassword } from "../src/server/auth/password";
import { orgScope } from "../src/server/db/scoped";
import { stopSenderBoss } from "../src/server/jobs/boss";
import { requestAction } from "../src/server/remediation/request-action";

export const DEMO_ORGANIZATION_ID = "org_demo";
/** Documented in the README; the demo database is local-only (never seeded in production unless asked). */
export const DEMO_PASSWORD = "demo-password";
export const DEMO_USERS = [
  { email: "admin@demo.local", name: "Ada Admin", role: "admin" },
  { email: "operator@demo.local", name: "Oscar Operator", role: "operator" },
  { email: "viewer@demo.local", name: "Vera Viewer", role: "viewer" },
] as const;

const INCIDENTS = [
  {
    externalId: "INC-1001",
    title: "api-gateway 5xx rate above 12%",
    serviceName: "api-gateway",
    environment: "production",
    severity: "HIGH",
    summary: "Error rate climbed after the 06:00 deploy; upstream pods report OOM kills.",
    suggestions: [
      {
        title: "Restart api-gateway",
        actionType: "restart-service",
        parameters: { service: "api-gateway" },
        confidence: 0.82,
      },
      {
        title: "Roll back api-gateway to the previous revision",
        actionType: "rollback-deployment",
        parameters: { service: "api-gateway", toRevision: "2026.11.27-3" },
        confidence: 0.64,
      },
      { title: "Page the network team", actionType: "page-human", parameters: { team: "network" }, confidence: 0.2 },
    ],
  },
  {
    externalId: "INC-1002",
    title: "checkout latency p99 over 2 s",
    serviceName: "checkout",
    environment: "staging",
    severity: "MEDIUM",
    summary: "Load test traffic saturates the checkout workers.",
    suggestions: [
      {
        title: "Scale checkout to 6 replicas",
        actionType: "scale-service",
        parameters: { service: "checkout", replicas: 6 },
        confidence: 0.77,
      },
      {
        title: "Clear the pricing cache",
        actionType: "clear-cache",
        parameters: { service: "checkout", cacheKey: "pricing:*" },
        confidence: 0.41,
      },
    ],
  },
  {
    externalId: "INC-1003",
    title: "search indexer stuck on a poison message",
    serviceName: "search-indexer",
    environment: "production",
    severity: "CRITICAL",
    summary: "The indexer has not advanced its offset for 25 minutes.",
    suggestions: [
      {
        title: "Run the skip-poison-message runbook",
        actionType: "run-runbook",
        parameters: { runbook: "skip-poison-message", args: { partition: 7 } },
        confidence: 0.7,
      },
      {
        title: "Disable the new ranking flag",
        actionType: "toggle-feature-flag",
        parameters: { flag: "ranking-v2", enabled: false },
        confidence: 0.35,
      },
    ],
  },
] as const;

/** Seeds the demo organization into an empty database; returns false when there was data. */
export async function seedDemo(db: PrismaClient): Promise<boolean> {
  if ((await db.organization.count()) > 0) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const requesterId = await db.$transaction(async (tx) => {
    let operatorId = "";
    await tx.organization.create({ data: { id: DEMO_ORGANIZATION_ID, name: "Demo Organization" } });
    for (const u of DEMO_USERS) {
      const user = await tx.user.create({
        data: {
          email: u.email,
          name: u.name,
          passwordHash,
          memberships: { create: { organizationId: DEMO_ORGANIZATION_ID, role: u.role } },
        },
      });
      if (u.role === "operator") operatorId = user.id;
    }
    for (const { suggestions, ...incident } of INCIDENTS) {
      await tx.incident.create({
        data: {
          ...incident,
          organizationId: DEMO_ORGANIZATION_ID,
          suggestions: {
            create: suggestions.map((s, position) => ({ ...s, position, organizationId: DEMO_ORGANIZATION_ID })),
          },
        },
      });
    }
    return operatorId;
  });
  await requestDemoActions(db, requesterId);
  return true;
}

/**
 * A few requests through the real use case, so the Control Center opens with pending approvals
 * (production needs approval) and the worker turns the staging ones into real history.
 */
async function requestDemoActions(db: PrismaClient, userId: string): Promise<void> {
  const scope = orgScope(DEMO_ORGANIZATION_ID);
  const principal = { userId, organizationId: DEMO_ORGANIZATION_ID, permissions: [], via: "session" as const };
  const incidents = await db.incident.findMany({ where: scope.where({}), include: { suggestions: true } });
  const byExternalId = new Map(incidents.map((i) => [i.externalId, i]));
  const requests = [
    ["INC-1001", "restart-service", {}],
    ["INC-1003", "run-runbook", {}],
    ["INC-1002", "scale-service", {}],
    ["INC-1002", "clear-cache", { simulate: "fail" }],
  ] as const;
  try {
    for (const [externalId, actionType, extra] of requests) {
      const incident = byExternalId.get(externalId);
      const suggestion = incident?.suggestions.find((s) => s.actionType === actionType);
      if (!incident || !suggestion) continue;
      await requestAction({ db, scope, principal }, {
        incidentId: incident.id,
        actionType,
        parameters: { ...(suggestion.parameters as Record<string, unknown>), ...extra },
        serviceName: incident.serviceName,
        environment: incident.environment,
        severity: incident.severity,
      } as Parameters<typeof requestAction>[1]);
    }
  } finally {
    await stopSenderBoss();
  }
}
