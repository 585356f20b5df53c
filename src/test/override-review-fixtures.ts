// Override reviews for tests (docs/behaviour.md#override-review): an action overridden the way the
// product does it (a blocked environment, a request, an approval with a reason through the approve
// use case, at a chosen time), and a review call through the REST adapter.
import { db } from "@/server/db/client";
import { orgScope } from "@/server/db/scoped";
import { approveAction } from "@/server/remediation/approve-action";
import { rest } from "./calls";
import { createIncident, createOrganization, principalFor, requestBody } from "./factories";

const REQUESTER = "requester-1";
export const OVERRIDER = "overrider-1";
export const REVIEWER = "reviewer-1";
const ADMIN = "admin-1";
const HOUR_MS = 3_600_000;

/** A fresh organization whose policy blocks `production` (every approval there overrides), with an incident. */
export async function organizationWithGuardrail(policy: Record<string, unknown> = {}) {
  const org = await createOrganization("orv");
  const res = await rest("PUT", "/remediation/policy", {
    auth: { organizationId: org, sub: ADMIN },
    body: { blockedEnvironments: ["production"], ...policy },
  });
  if (res.status !== 200) throw new Error(`policy not saved: ${res.status} ${await res.text()}`);
  const incidentId = await createIncident(org, { environment: "production" });
  return { org, incidentId };
}

/** POST /remediation/request by REQUESTER (production: pending with a guardrail violation, or queued elsewhere). */
export async function requestAction(org: string, incidentId: string, environment = "production"): Promise<string> {
  const res = await rest("POST", "/remediation/request", {
    auth: { organizationId: org, sub: REQUESTER },
    body: requestBody(incidentId, { environment }),
  });
  const row = await res.json();
  if (res.status !== 201) throw new Error(`request refused: ${res.status} ${JSON.stringify(row)}`);
  return row.id;
}

/**
 * A requested action (production unless said otherwise) overridden by `by` (default OVERRIDER) `hoursAgo` hours ago:
 * the approve use case at that time, so its review is due `overrideReviewHours` after it.
 */
export async function overriddenAction(
  org: string,
  incidentId: string,
  { by = OVERRIDER, hoursAgo = 0, environment }: { by?: string; hoursAgo?: number; environment?: string } = {},
): Promise<string> {
  const id = await requestAction(org, incidentId, environment);
  const at = new Date(Date.now() - hoursAgo * HOUR_MS);
  const ctx = { db: db(), scope: orgScope(org), principal: principalFor(org, { userId: by }) };
  const result = await approveAction(ctx, { id, reason: "Break glass: the fix cannot wait." }, at);
  if (result.status !== "QUEUED") throw new Error(`override did not queue: ${JSON.stringify(result)}`);
  return id;
}

/** POST /remediation/:id/override-review as `sub` of `org`: { status, body }. */
export async function review(org: string, id: string, sub: string, body?: unknown, permissions?: readonly string[]) {
  const res = await rest("POST", `/remediation/${id}/override-review`, {
    auth: { organizationId: org, sub, ...(permissions ? { permissions } : {}) },
    ...(body === undefined ? {} : { body }),
  });
  return { status: res.status, body: await res.json() };
}

/** GET a path as a viewer of `org`: the JSON body (200 expected by the caller). */
export async function read(org: string, path: string) {
  const res = await rest("GET", path, { auth: { organizationId: org, permissions: ["remediation:view"] } });
  return { status: res.status, body: await res.json() };
}
