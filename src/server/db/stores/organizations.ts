import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/** The organizations store: one row per tenant (docs/data-model.md#organizations). */

/**
 * Creates the organization unless it exists (ON CONFLICT DO NOTHING: concurrent callers all
 * succeed). True when this call created it.
 */
export async function ensureOrganization(q: Queryable, organizationId: string, name: string): Promise<boolean> {
  const created = await queryRows(
    q,
    Prisma.sql`
    INSERT INTO organizations (id, name) VALUES (${organizationId}, ${name})
    ON CONFLICT (id) DO NOTHING
    RETURNING 1`,
  );
  return created.length > 0;
}

/** The organization's display name, or undefined when it does not exist. */
export async function findOrganizationName(q: Queryable, organizationId: string): Promise<string | undefined> {
  const [row] = await queryRows<{ name: string }>(
    q,
    Prisma.sql`SELECT name FROM organizations WHERE id = ${organizationId}`,
  );
  return row?.name;
}

/**
 * Across organizations on purpose: schedules (retention) visit every tenant. One page of ids in
 * id order, after `after` (keyset pagination on the primary key).
 */
export async function acrossOrganizationsListIds(
  q: Queryable,
  page: { after?: string | undefined; limit: number },
): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    q,
    Prisma.sql`
    SELECT id FROM organizations
    ${page.after === undefined ? Prisma.empty : Prisma.sql`WHERE id > ${page.after}`}
    ORDER BY id
    LIMIT ${page.limit}`,
  );
  return rows.map((r) => r.id);
}

/** Across organizations on purpose: the demo seed only runs into a database without any tenant. */
export async function acrossOrganizationsAnyExists(q: Queryable): Promise<boolean> {
  const [row] = await queryRows<{ any: boolean }>(q, Prisma.sql`SELECT EXISTS (SELECT 1 FROM organizations) AS any`);
  return row?.any ?? false;
}
