import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findActionWithBasis } from "@/server/db/stores/actions";
import { listEventsOfAction } from "@/server/db/stores/events";
import { notFound } from "@/server/errors";
import { globalPolicy } from "@/server/policy/global-policy";
import { withApprovalContext } from "./approval-context";

/** GET /remediation/:id: the row (with its approval context when pending) plus its events, oldest first. */
export async function getAction(
  { db, scope, guardrails }: { db: Db; scope: OrgScope; guardrails?: GlobalPolicy | undefined },
  input: { id: string },
  now: Date = new Date(),
) {
  const action = await findActionWithBasis(db, scope.organizationId, input.id);
  if (!action) throw notFound("Action");
  return {
    ...withApprovalContext(action, guardrails ?? globalPolicy(), now),
    events: await listEventsOfAction(db, scope.organizationId, action.id),
  };
}
