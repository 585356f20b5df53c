import { Prisma } from "@/generated/prisma/client";
import { type Db, queryRows } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { ACTION_COLUMNS, type RawActionRow, toAction } from "./action-row";
import type { ActionRow } from "./schemas";

export interface ActionFilters {
  status?: ActionRow["status"] | undefined;
  environment?: string | undefined;
  incidentId?: string | undefined;
}

/**
 * WHERE for the hot reads. Every filter is an equality on a leading column of one of the
 * (organizationId, <filter>, createdAt DESC, id DESC) indexes, so `ORDER BY createdAt DESC, id
 * DESC LIMIT n` is a forward index scan that stops after n rows: no Sort, no Seq Scan.
 */
export function actionFilterSql(scope: OrgScope, filters: ActionFilters): Prisma.Sql {
  const conditions = [Prisma.sql`"organizationId" = ${scope.organizationId}`];
  if (filters.status) conditions.push(Prisma.sql`status = ${filters.status}::"ActionStatus"`);
  if (filters.environment) conditions.push(Prisma.sql`environment = ${filters.environment}`);
  if (filters.incidentId) conditions.push(Prisma.sql`"incidentId" = ${filters.incidentId}::uuid`);
  return Prisma.join(conditions, " AND ");
}

/** Newest first (createdAt desc, id desc); exported so the EXPLAIN test checks this exact SQL. */
export function listActionsQuery(scope: OrgScope, input: ActionFilters & { limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT ${ACTION_COLUMNS} FROM remediation_actions
    WHERE ${actionFilterSql(scope, input)}
    ORDER BY "createdAt" DESC, id DESC
    LIMIT ${input.limit}`;
}

/** GET /remediation/actions */
export async function listActions(
  { db, scope }: { db: Db; scope: OrgScope },
  input: ActionFilters & { limit: number },
): Promise<ActionRow[]> {
  const rows = await queryRows<RawActionRow>(db, listActionsQuery(scope, input));
  return rows.map(toAction);
}
