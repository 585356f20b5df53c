import { Prisma } from "@/generated/prisma/client";
import type { Severity } from "@/lib/schemas";
import { type Queryable, queryRows } from "../../client";
import { isUuid } from "../../scoped";
import { VOTES_JSON, type VoteRecord } from "../approval-votes";
import type { IncidentStatus } from "../incidents";
import type { PolicyRow, PolicyStamp } from "../policies";
import { ACTION_COLUMNS, type ActionRecord, actionByKey, type RawActionRow, toAction } from "./row";

/**
 * What an approver judges a pending action against (docs/behaviour.md#approval-context), read with
 * the action in the same statement: its incident's status and severity, the organization's saved
 * policy (null: the default) and, in lists, its votes.
 */
export interface ApprovalBasis {
  incidentStatus: IncidentStatus;
  incidentSeverity: Severity;
  policy: (PolicyRow & PolicyStamp) | null;
  votes: VoteRecord[];
}

/** The action's incident title, so lists show what an operator recognises (null: the incident is gone). */
export type ActionWithBasis = ActionRecord & { approvalBasis: ApprovalBasis | null; incidentTitle: string | null };

/** The incident title column of action reads: one primary-key lookup per returned row. */
export const INCIDENT_TITLE = Prisma.sql`(
  SELECT t.title FROM incidents t WHERE t.id = a."incidentId" AND t."organizationId" = a."organizationId"
) AS "incidentTitle"`;

function basisJson(withVotes: boolean): Prisma.Sql {
  return Prisma.sql`(
    SELECT json_build_object('incidentStatus', i.status, 'incidentSeverity', i.severity,
      'votes', ${withVotes ? VOTES_JSON : Prisma.sql`'[]'::json`},
      'policy', (SELECT row_to_json(p) FROM organization_policies p WHERE p."organizationId" = a."organizationId"))
    FROM incidents i WHERE i.id = a."incidentId" AND i."organizationId" = a."organizationId")`;
}

/** The basis column of list reads: only PENDING_APPROVAL rows pay for it (key lookups per pending row). */
export const PENDING_APPROVAL_BASIS = Prisma.sql`
  CASE WHEN a.status = 'PENDING_APPROVAL' THEN ${basisJson(true)} END AS "approvalBasis"`;

type RawBasis = Omit<ApprovalBasis, "votes"> & { votes: (Omit<VoteRecord, "at"> & { at: string })[] };

type RawActionWithBasis = RawActionRow & { approvalBasis: RawBasis | null; incidentTitle: string | null };

export function toActionWithBasis(row: RawActionWithBasis): ActionWithBasis {
  const basis = row.approvalBasis;
  return {
    ...toAction(row),
    incidentTitle: row.incidentTitle,
    approvalBasis: basis && {
      ...basis,
      votes: basis.votes.map((v) => ({ ...v, at: new Date(v.at) })),
    },
  };
}

/**
 * One action with its approval basis (votes included), or undefined. `lock`: FOR UPDATE of the
 * action row, and the votes are then NOT read here (see listVotes: read them in the next
 * statement, after the lock is held).
 */
export async function findActionWithBasis(
  q: Queryable,
  organizationId: string,
  id: string,
  lock = false,
): Promise<ActionWithBasis | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await queryRows<RawActionWithBasis>(
    q,
    Prisma.sql`
      SELECT ${ACTION_COLUMNS}, ${basisJson(!lock)} AS "approvalBasis", ${INCIDENT_TITLE} FROM remediation_actions a
      WHERE ${actionByKey(organizationId, id)}
      ${lock ? Prisma.sql`FOR UPDATE OF a` : Prisma.empty}`,
  );
  return row ? toActionWithBasis(row) : undefined;
}
