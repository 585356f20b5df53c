// Approval reminder fixtures (docs/behaviour.md#approval-reminders): an organization with a
// requester, approvers, an admin and a viewer who sign in, a policy with reminder settings, a
// pending action requested by the requester over REST, and reads of the notices it got.
import { expect } from "vitest";
import { ROLE_PERMISSIONS } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { backdateActions } from "@/server/db/simulate";
import { listDeliveriesOfAction } from "@/server/db/stores/approval-notifications";
import { listEventsOfAction } from "@/server/db/stores/events";
import { rest } from "./calls";
import { createIncident, createOrganization, createUser } from "./factories";

export const NOTIFY_EMAIL = "oncall@example.com";

/** The organization and its people: the requester (an operator), a second operator, an admin, a viewer. */
export async function createApprovalTeam(prefix = "notice") {
  const org = await createOrganization(prefix, { name: `Team ${prefix}` });
  const [requester, operator, admin, viewer] = await Promise.all([
    createUser(org, { role: "operator", name: "Rita Requester" }),
    createUser(org, { role: "operator", name: "Otto Operator" }),
    createUser(org, { role: "admin", name: "Ada Admin" }),
    createUser(org, { role: "viewer", name: "Vic Viewer" }),
  ]);
  const incidentId = await createIncident(org, { title: "Checkout latency spike", serviceName: "checkout" });
  return { org, requester, operator, admin, viewer, incidentId };
}

export type ApprovalTeam = Awaited<ReturnType<typeof createApprovalTeam>>;

/** PUT /remediation/policy as the admin; the response must be 200. */
export async function setNoticePolicy(team: ApprovalTeam, policy: Record<string, unknown>) {
  const res = await rest("PUT", "/remediation/policy", {
    auth: { organizationId: team.org, sub: team.admin.id, permissions: ROLE_PERMISSIONS.admin },
    body: policy,
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/**
 * `count` production restarts of checkout requested by the requester over REST (PENDING_APPROVAL
 * by the default policy), backdated to `minutesAgo`; their ids.
 */
export async function requestPendingActions(team: ApprovalTeam, minutesAgo: number, count = 1): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await rest("POST", "/remediation/request", {
      auth: { organizationId: team.org, sub: team.requester.id, permissions: ROLE_PERMISSIONS.operator },
      body: {
        incidentId: team.incidentId,
        actionType: "restart-service",
        parameters: { service: "checkout" },
        environment: "production",
        severity: "HIGH",
      },
    });
    expect(res.status).toBe(201);
    const row = (await res.json()) as { id: string; status: string };
    expect(row.status).toBe("PENDING_APPROVAL");
    ids.push(row.id);
  }
  await backdateActions(team.org, ids, new Date(Date.now() - minutesAgo * 60_000));
  return ids;
}

/** The action's APPROVAL_REMINDER_SENT and APPROVAL_ESCALATED events. */
export async function noticeEvents(organizationId: string, actionId: string) {
  const events = await listEventsOfAction(db(), organizationId, actionId);
  return events
    .filter((e) => e.type === "APPROVAL_REMINDER_SENT" || e.type === "APPROVAL_ESCALATED")
    .map((e) => ({ type: e.type, actor: e.actor, data: e.data }));
}

/** The action's deliveries, `kind recipient status attempts` each. */
export async function deliveriesOf(organizationId: string, actionId: string) {
  return listDeliveriesOfAction(db(), organizationId, actionId);
}

/** Sorted, lower-cased emails. */
export const emails = (...values: string[]) => values.map((v) => v.toLowerCase()).sort();
