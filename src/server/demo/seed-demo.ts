import { hashPassword } from "@/server/auth/password";
import { type Db, type Tx, transaction } from "@/server/db/client";
import { newId } from "@/server/db/ids";
import { orgScope } from "@/server/db/scoped";
import { insertActions } from "@/server/db/stores/actions";
import { appendEvent } from "@/server/db/stores/events";
import { insertIncident, insertSuggestions } from "@/server/db/stores/incidents";
import { insertMembership } from "@/server/db/stores/memberships";
import { acrossOrganizationsAnyExists, ensureOrganization } from "@/server/db/stores/organizations";
import { insertUser } from "@/server/db/stores/users";
import { stopSenderBoss } from "@/server/jobs/boss";
import { requestAction } from "@/server/remediation/request-action";
import { DEMO_INCIDENTS, DEMO_PASSWORD, DEMO_USERS } from "./demo-data";
import { demoHistory, type HistoryPeople } from "./demo-history";

// The demo organization `npm start` seeds into an empty embedded database
// (docs/behaviour.md#configuration, DEMO_SEED). The data is demo-data.ts, which the e2e fixtures
// share: they sign in as these users and seed their own organizations from the same definitions.

const DEMO_ORGANIZATION_ID = "org_demo";

type DemoIncident = (typeof DEMO_INCIDENTS)[keyof typeof DEMO_INCIDENTS] & { id: string };

/**
 * Seeds the demo organization into an empty database; returns false when there was data (or
 * another process seeded it first). Organization, users and incidents are one transaction.
 */
export async function seedDemo(db: Db): Promise<boolean> {
  if (await acrossOrganizationsAnyExists(db)) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await transaction(db, async (tx) => {
    if (!(await ensureOrganization(tx, DEMO_ORGANIZATION_ID, "Demo Organization"))) return undefined;
    const ids: Record<string, string> = {};
    for (const [key, { role, ...user }] of Object.entries(DEMO_USERS)) {
      ids[key] = await insertUser(tx, { ...user, passwordHash });
      await insertMembership(tx, DEMO_ORGANIZATION_ID, { userId: ids[key]!, role });
    }
    // The demo's requests are the first operator's, so the second one can approve them.
    const operatorId = ids.operator!;
    await seedHistory(tx, { requester: operatorId, approver: ids.operator2!, admin: ids.admin! });
    const incidents: DemoIncident[] = [];
    for (const incident of Object.values(DEMO_INCIDENTS)) {
      const { suggestions, ...fields } = incident;
      const id = await insertIncident(tx, DEMO_ORGANIZATION_ID, fields);
      if (!id) throw new Error(`demo incident ${fields.externalId} already exists`);
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
 * The demo's past (docs/behaviour.md#demo-data): resolved incidents of the last two weeks and
 * the action taken on each, with the events it wrote, oldest first so the audit chain is in
 * time order. Written through the stores (the counters trigger counts the actions).
 */
async function seedHistory(tx: Tx, people: HistoryPeople): Promise<void> {
  for (const { action, ...incident } of demoHistory(new Date(), people)) {
    const incidentId = await insertIncident(tx, DEMO_ORGANIZATION_ID, { ...incident, status: "RESOLVED" });
    if (!incidentId) throw new Error(`demo incident ${incident.externalId} already exists`);
    const { events, ...row } = action;
    const id = newId(row.createdAt);
    await insertActions(tx, DEMO_ORGANIZATION_ID, [
      {
        ...row,
        id,
        incidentId,
        serviceName: incident.serviceName,
        environment: incident.environment,
        severity: incident.severity,
        performedBy: people.requester,
        policyVersion: 0,
      },
    ]);
    for (const event of events) await appendEvent(tx, DEMO_ORGANIZATION_ID, { ...event, actionId: id });
  }
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
