import type { Principal } from "@/server/auth/principal-types";
import type { Db } from "@/server/db/client";
import { isUuid, type OrgScope } from "@/server/db/scoped";
import * as actions from "@/server/db/stores/actions";
import { AppError, notFound } from "@/server/errors";
import { observeDecision } from "@/server/metrics/registry";

function cannotRejectMessage(status: string): string {
  return `Cannot reject action in "${status}" status — only PENDING_APPROVAL actions can be rejected.`;
}

/**
 * POST /remediation/:id/reject (docs/behaviour.md#reject). One conditional UPDATE (with its
 * event, in one statement) decides the race with approvals; `details.rejection.priorPolicy`
 * keeps the policy decision recorded at request time. Never enqueues. The requester may reject
 * (withdraw) their own request. An action past its expiry is expired instead (EXPIRED event),
 * and the reject answers as for any REJECTED action (docs/behaviour.md#expiry).
 */
export async function rejectAction(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: { id: string; reason?: string | undefined },
  now: Date = new Date(),
): Promise<{ status: "REJECTED" }> {
  const organizationId = scope.organizationId;
  if (!isUuid(input.id)) throw notFound("Action");
  const requestedAt = await actions.rejectPendingAction(db, organizationId, {
    id: input.id,
    actor: principal.userId,
    reason: input.reason ?? null,
    now,
  });
  if (requestedAt) {
    observeDecision(organizationId, "rejected", (now.getTime() - requestedAt.getTime()) / 1000);
    return { status: "REJECTED" };
  }
  const expired = await actions.expireAction(db, organizationId, input.id, now);
  if (expired) observeDecision(organizationId, "expired", expired.seconds);
  const current = await actions.findAction(db, organizationId, input.id);
  if (!current) throw notFound("Action");
  throw new AppError("BAD_REQUEST", cannotRejectMessage(current.status));
}
