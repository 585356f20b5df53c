import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";
import { EVENT_TIME } from "./events";

/**
 * The approval_votes store (docs/data-model.md#approval_votes): one row per principal per
 * approval-context version of a pending action. Votes are written only with the transition or
 * event they belong to (see the actions store's decisions) and deleted with their action.
 */

export interface VoteRecord {
  actor: string;
  contextVersion: string;
  reason: string | null;
  at: Date;
}

/**
 * The action's votes, oldest first. Read it after taking the action's row lock, in a statement
 * of its own: under READ COMMITTED a statement sees what committed before it started, so a
 * vote committed by the transaction that held the lock is seen only by a later statement.
 */
export async function listVotes(q: Queryable, organizationId: string, actionId: string): Promise<VoteRecord[]> {
  return queryRows<VoteRecord>(
    q,
    Prisma.sql`
    SELECT actor, "contextVersion", reason, "createdAt" AS at FROM approval_votes
    WHERE "actionId" = ${actionId}::uuid AND "organizationId" = ${organizationId}
    ORDER BY "createdAt", actor`,
  );
}

/**
 * `INSERT INTO approval_votes …` of one vote as a CTE body, returning (id, "organizationId") like
 * a moved action. `forMoved`: only for the action rows of a CTE named `moved` (the vote that
 * completes a transition is written only if the transition happened).
 */
export function insertVoteSql(
  vote: {
    organizationId: string;
    actionId: string;
    actor: string;
    contextVersion: string;
    reason: string | null;
  },
  forMoved = false,
): Prisma.Sql {
  // Timed like its event: the votes of one action list in the order they were decided.
  const values = Prisma.sql`${vote.actor}, ${vote.contextVersion}, ${vote.reason}::text, ${EVENT_TIME}`;
  const source = forMoved
    ? Prisma.sql`SELECT id, "organizationId", ${values} FROM moved`
    : Prisma.sql`VALUES (${vote.actionId}::uuid, ${vote.organizationId}, ${values})`;
  return Prisma.sql`
    INSERT INTO approval_votes ("actionId", "organizationId", actor, "contextVersion", reason, "createdAt")
    ${source}
    ON CONFLICT DO NOTHING
    RETURNING "actionId" AS id, "organizationId"`;
}

/**
 * The JSON of a pending action's votes, for the one-statement lists (`a` is the action row).
 * Every version's votes: the caller keeps those of the current version.
 */
export const VOTES_JSON = Prisma.sql`coalesce((
  SELECT json_agg(json_build_object('actor', v.actor, 'contextVersion', v."contextVersion", 'reason', v.reason,
                                    'at', v."createdAt") ORDER BY v."createdAt", v.actor)
  FROM approval_votes v WHERE v."actionId" = a.id), '[]'::json)`;
