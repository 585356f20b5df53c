import type { Principal } from "@/server/auth/principal-types";
import type { Db } from "@/server/db/client";
import { isUuid, type OrgScope } from "@/server/db/scoped";
import { AppError, notFound } from "@/server/errors";
import { appendEvent } from "./events";
import { findAction, TX_OPTIONS } from "./find-action";

export function cannotRejectMessage(status: string): string {
  return `Cannot reject action in "${status}" status — only PENDING_APPROVAL actions can be rejected.`;
}

/**
 * POST /remediation/:id/reject (contract §6). One conditional UPDATE decides the race with
 * approvals; `details.rejection.priorPolicy` keeps the policy decision recorded at request time.
 * Never enqueues.
 */
export async function rejectAction(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: { id: string; reason?: string | undefined },
  now: Date = new Date(),
): Promise<{ status: "REJECTED" }> {
  if (!isUuid(input.id)) throw notFound("Action");
  const reason = input.reason ?? null;
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<unknown[]>`
      UPDATE remediation_actions
      SET status = 'REJECTED',
          details = details || jsonb_build_object('rejection', jsonb_build_object(
            'actor', ${principal.userId}::text,
            'reason', ${reason}::text,
            'at', ${now.toISOString()}::text,
            'priorPolicy', COALESCE(details -> 'policy', 'null'::jsonb))),
          "updatedAt" = ${now}::timestamptz
      WHERE id = ${input.id}::uuid AND "organizationId" = ${scope.organizationId} AND status = 'PENDING_APPROVAL'
      RETURNING 1`;
    if (rows.length === 0) {
      const current = await findAction(tx, scope, input.id);
      if (!current) throw notFound("Action");
      throw new AppError("BAD_REQUEST", cannotRejectMessage(current.status));
    }
    await appendEvent(tx, {
      organizationId: scope.organizationId,
      actionId: input.id,
      type: "REJECTED",
      actor: principal.userId,
      data: { reason },
    });
    return { status: "REJECTED" as const };
  }, TX_OPTIONS);
}
