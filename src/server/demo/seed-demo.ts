import { hashPassword } from "@/server/auth/password";
import { type Db, transaction } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { insertIncident, insertSuggestions } from "@/server/db/stores/incidents";
import { insertMembership } from "@/server/db/stores/memberships";
import { acrossOrganizationsAnyExists, ensureOrganization } from "@/server/db/stores/organizations";
import { insertUser } from "@/server/db/stores/users";
import { stopSenderBoss } from "@/server/jobs/boss";
import { requestAction } from "@/server/remediation/request-action";

// The demo organization `npm start` seeds into an empty embedded database
// (docs/behaviour.md#configuration, DEMO_SEED). e2e/fixtures/seed.ts seeds its own organizations.

const DEMO_ORGANIZATION_ID = "org_demo";
/** Documented in the README; the demo database is local-only (never seeded in production unless asked). */
const DEMO_PASSWORD = "demo-password";
const DEMO_USERS = [
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

type DemoIncident = (typeof INCIDENTS)[number] & { id: string };

/**
 * Seeds the demo organization into an empty database; returns false when there was data (or
 * another process seeded it first). Organization, users and incidents are one transaction.
 */
export async function seedDemo(db: Db): Promise<boolean> {
  if (await acrossOrganizationsAnyExists(db)) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await transaction(db, async (tx) => {
    if (!(await ensureOrganization(tx, DEMO_ORGANIZATION_ID, "Demo Organization"))) return undefined;
    let operatorId = "";
    for (const u of DEMO_USERS) {
      const userId = await insertUser(tx, { email: u.email, name: u.name, passwordHash });
      await insertMembership(tx, DEMO_ORGANIZATION_ID, { userId, role: u.role });
      if (u.role === "operator") operatorId = userId;
    }
    const incidents: DemoIncident[] = [];
    for (const incident of INCIDENTS) {
      const { suggestions, ...fields } = incident;
      const id = await insertIncident(tx, DEMO_ORGANIZATION_ID, fields);
      await insertSuggestions(
        tx,
        DEMO_ORGANIZATION_ID,
        id,
        suggestions.map((s) => ({ ...s, description: null })),
      );
      incidents.push({ ...incident, id });
    }
    return { operatorId, incidents };
  });
  if (!seeded) return false;
  await requestDemoActions(db, seeded.operatorId, seeded.incidents);
  return true;
}

/**
 * A few requests through the real use case, so the Control Center opens with pending approvals
 * (production needs approval) and the worker turns the staging ones into real history.
 */
async function requestDemoActions(db: Db, userId: string, incidents: DemoIncident[]): Promise<void> {
  const scope = orgScope(DEMO_ORGANIZATION_ID);
  const principal = { userId, organizationId: DEMO_ORGANIZATION_ID, permissions: [], via: "session" as const };
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
        parameters: { ...suggestion.parameters, ...extra },
        serviceName: incident.serviceName,
        environment: incident.environment,
        severity: incident.severity,
      } as Parameters<typeof requestAction>[1]);
    }
  } finally {
    await stopSenderBoss();
  }
}
