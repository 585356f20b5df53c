import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../../client";
import { type ActionWithBasis, INCIDENT_TITLE, PENDING_APPROVAL_BASIS, toActionWithBasis } from "./approvals";
import { ACTION_COLUMNS, type RawActionRow } from "./row";

/**
 * The pending queue's risk key (docs/behaviour.md#pending-queue), the SQL function of the
 * migration `pending_risk_queue`: lower is riskier. Written exactly as the partial index
 * `remediation_actions_pending_risk_idx` is keyed, so ORDER BY matches the index.
 */
const RISK = Prisma.sql`remediation_pending_risk(details, severity, environment)`;

export interface PendingQueuePage {
  /** All PENDING_APPROVAL actions of the organization, from the counters (not a count of rows). */
  total: number;
  rows: (ActionWithBasis & { risk: number })[];
}

/**
 * One page of the pending queue and the true pending total, in ONE statement: the page is an
 * index range of `remediation_actions_pending_risk_idx` (organization, risk, createdAt, id —
 * only pending rows are in it) read in order and cut by OFFSET/LIMIT, so no Sort of the backlog;
 * each row of the page then gets its approval basis and incident title (key lookups); the total
 * is the summed counters (docs/adr/0003-counter-stripes.md). LEFT JOIN: a page past the end still
 * returns the total. Exported so the EXPLAIN test plans this exact SQL.
 */
export function pendingQueueQuery(organizationId: string, page: { offset: number; limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT t.total, p.* FROM (
      SELECT coalesce(sum(count), 0)::int AS total FROM remediation_counters
      WHERE "organizationId" = ${organizationId} AND status = 'PENDING_APPROVAL'::"ActionStatus"
    ) t
    LEFT JOIN LATERAL (
      SELECT a.*, ${PENDING_APPROVAL_BASIS}, ${INCIDENT_TITLE}
      FROM (
        SELECT ${ACTION_COLUMNS}, ${RISK} AS risk FROM remediation_actions
        WHERE "organizationId" = ${organizationId} AND status = 'PENDING_APPROVAL'::"ActionStatus"
        ORDER BY ${RISK}, "createdAt", id
        LIMIT ${page.limit} OFFSET ${page.offset}
      ) a
    ) p ON true
    ORDER BY p.risk, p."createdAt", p.id`;
}

type RawQueueRow = { total: number; risk: number } & Parameters<typeof toActionWithBasis>[0];

export async function pendingQueuePage(
  q: Queryable,
  organizationId: string,
  page: { offset: number; limit: number },
): Promise<PendingQueuePage> {
  const raw = await queryRows<RawQueueRow | ({ total: number } & { [K in keyof RawActionRow]: null })>(
    q,
    pendingQueueQuery(organizationId, page),
  );
  return {
    // The aggregate side of the join always yields one row.
    total: raw[0]?.total ?? 0,
    rows: raw
      .filter((r): r is RawQueueRow => r.id !== null)
      .map(({ total: _, risk, ...row }) => ({ ...toActionWithBasis(row), risk })),
  };
}
