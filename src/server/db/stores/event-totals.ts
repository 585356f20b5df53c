import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/**
 * The remediation_event_totals store (docs/data-model.md#remediation_event_totals): reminder and
 * escalation events counted per organization by an insert trigger on remediation_events, never
 * decremented. Read only.
 */

export interface EventTotal {
  organizationId: string;
  type: "APPROVAL_REMINDER_SENT" | "APPROVAL_ESCALATED";
  count: number;
}

/** Every total, or one organization's (`organizationId` null: across organizations, the operator's scrape). */
export function readEventTotals(q: Queryable, organizationId: string | null): Promise<EventTotal[]> {
  const scope = organizationId === null ? Prisma.empty : Prisma.sql`WHERE "organizationId" = ${organizationId}`;
  return queryRows<EventTotal>(
    q,
    Prisma.sql`SELECT "organizationId", type::text AS type, count::float8 AS count FROM remediation_event_totals ${scope}`,
  );
}
