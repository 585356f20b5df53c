import { Prisma } from "@/generated/prisma/client";
import { queryRows, type Tx } from "@/server/db/client";
import { isUuid, type OrgScope } from "@/server/db/scoped";
import { ACTION_COLUMNS, actionByKey, type RawActionRow, toAction } from "./action-row";
import type { ActionRow } from "./schemas";

/** One action of the organization, or undefined (unknown, malformed or foreign id alike). */
export async function findAction(db: Tx, scope: OrgScope, id: string, lock = false): Promise<ActionRow | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await queryRows<RawActionRow>(
    db,
    Prisma.sql`
      SELECT ${ACTION_COLUMNS} FROM remediation_actions
      WHERE ${actionByKey(id, scope.organizationId)}
      ${lock ? Prisma.sql`FOR UPDATE` : Prisma.empty}`,
  );
  return rows[0] ? toAction(rows[0]) : undefined;
}

/** Interactive transactions of the workflow: waits behind concurrent writers are expected. */
export const TX_OPTIONS = { maxWait: 10_000, timeout: 20_000 } as const;
