import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../../client";
import { insertEventsForMovedRows, SYSTEM_ACTOR } from "../events";
import { actionByKey } from "./row";

/**
 * Pending-approval expiry (docs/behaviour.md#expiry): PENDING_APPROVAL past `expiresAt` →
 * REJECTED with `details.rejection.expired` and an EXPIRED event by `system`, in one conditional
 * statement, so an action expires exactly once whoever (schedule, approve, reject) gets there first.
 */

/** `Expired: no decision within <n> minutes.` — n is the TTL fixed at request time. */
const EXPIRED_REASON = Prisma.sql`('Expired: no decision within '
  || round(extract(epoch FROM ("expiresAt" - "createdAt")) / 60)::int || ' minutes.')`;

function expireSql(which: Prisma.Sql, now: Date): Prisma.Sql {
  return Prisma.sql`
    WITH moved AS (
      UPDATE remediation_actions
      SET status = 'REJECTED',
          details = details || jsonb_build_object('rejection', jsonb_build_object(
            'actor', ${SYSTEM_ACTOR}::text, 'reason', ${EXPIRED_REASON}, 'expired', true, 'at', ${now.toISOString()}::text)),
          "updatedAt" = ${now}::timestamptz
      WHERE ${which} AND status = 'PENDING_APPROVAL' AND "expiresAt" <= ${now}::timestamptz
      RETURNING id, "organizationId", "createdAt", "expiresAt"
    ), logged AS (${insertEventsForMovedRows({
      type: "EXPIRED",
      actor: SYSTEM_ACTOR,
      data: { expired: true },
      fromRow: Prisma.sql`jsonb_build_object('reason', ${EXPIRED_REASON})`,
    })})
    SELECT "organizationId", extract(epoch FROM ${now}::timestamptz - "createdAt")::float8 AS seconds FROM moved`;
}

/** An action this statement expired: its organization and how long it had waited (request → expiry). */
export interface ExpiredAction {
  organizationId: string;
  seconds: number;
}

/** Expires this action if it is pending and due; the expiry when this call expired it, else null. */
export async function expireAction(
  q: Queryable,
  organizationId: string,
  id: string,
  now: Date,
): Promise<ExpiredAction | null> {
  const [row] = await queryRows<ExpiredAction>(q, expireSql(actionByKey(organizationId, id), now));
  return row ?? null;
}

/**
 * Cross-organization (the expiry schedule serves every organization): expires up to `batch`
 * due actions, oldest deadline first; the ones expired. Rows another worker is expiring are
 * skipped, not waited for. A range of the (status, expiresAt) index.
 */
export function acrossOrganizationsExpireDueActions(q: Queryable, now: Date, batch: number): Promise<ExpiredAction[]> {
  return queryRows<ExpiredAction>(
    q,
    expireSql(
      Prisma.sql`id IN (
        SELECT id FROM remediation_actions
        WHERE status = 'PENDING_APPROVAL' AND "expiresAt" <= ${now}::timestamptz
        ORDER BY "expiresAt" LIMIT ${batch}
        FOR UPDATE SKIP LOCKED)`,
      now,
    ),
  );
}
