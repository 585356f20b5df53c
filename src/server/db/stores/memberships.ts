import { Prisma } from "@/generated/prisma/client";
import type { RoleName } from "@/lib/permissions";
import { type Queryable, queryRows } from "../client";
import { isUuid } from "../scoped";

/** The memberships store: a user's role in an organization (docs/data-model.md#memberships). */

/** The user's role in the organization, or undefined when they are not a member. */
export async function findMemberRole(
  q: Queryable,
  organizationId: string,
  userId: string,
): Promise<RoleName | undefined> {
  if (!isUuid(userId)) return undefined;
  const [row] = await queryRows<{ role: RoleName }>(
    q,
    Prisma.sql`
    SELECT role::text AS role FROM memberships
    WHERE "organizationId" = ${organizationId} AND "userId" = ${userId}::uuid`,
  );
  return row?.role;
}

/**
 * Across organizations on purpose: at sign-in no organization is chosen yet, so the user's
 * first membership (the one they joined first) picks it. Undefined when they have none.
 */
export async function acrossOrganizationsFirstMembership(
  q: Queryable,
  userId: string,
): Promise<{ organizationId: string; role: RoleName } | undefined> {
  if (!isUuid(userId)) return undefined;
  const [row] = await queryRows<{ organizationId: string; role: RoleName }>(
    q,
    Prisma.sql`
    SELECT "organizationId", role::text AS role FROM memberships
    WHERE "userId" = ${userId}::uuid
    ORDER BY "createdAt", "organizationId"
    LIMIT 1`,
  );
  return row;
}

export interface MemberRecord {
  userId: string;
  name: string;
  email: string;
  role: RoleName;
}

/** The organization's members with their names, oldest membership first, at most `limit`. */
export async function listMembers(q: Queryable, organizationId: string, limit: number): Promise<MemberRecord[]> {
  return queryRows<MemberRecord>(
    q,
    Prisma.sql`
    SELECT m."userId", u.name, u.email, m.role::text AS role
    FROM memberships m JOIN users u ON u.id = m."userId"
    WHERE m."organizationId" = ${organizationId}
    ORDER BY m."createdAt", m."userId"
    LIMIT ${limit}`,
  );
}

/** Makes the user a member of the organization with `role`. */
export async function insertMembership(
  q: Queryable,
  organizationId: string,
  membership: { userId: string; role: RoleName },
): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO memberships ("userId", "organizationId", role)
    VALUES (${membership.userId}::uuid, ${organizationId}, ${membership.role}::"Role")`,
  );
}

/** The organization's members holding one of `roles`, with their emails, oldest membership first. */
export async function listMembersWithRoles(
  q: Queryable,
  organizationId: string,
  roles: readonly RoleName[],
): Promise<MemberRecord[]> {
  return queryRows<MemberRecord>(
    q,
    Prisma.sql`
    SELECT m."userId", u.name, u.email, m.role::text AS role
    FROM memberships m JOIN users u ON u.id = m."userId"
    WHERE m."organizationId" = ${organizationId} AND m.role::text = ANY(${[...roles]}::text[])
    ORDER BY m."createdAt", m."userId"`,
  );
}

/** Makes the user a member of the organization with `role`, or sets the role of their membership. */
export async function upsertMembership(
  q: Queryable,
  organizationId: string,
  membership: { userId: string; role: RoleName },
): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO memberships ("userId", "organizationId", role)
    VALUES (${membership.userId}::uuid, ${organizationId}, ${membership.role}::"Role")
    ON CONFLICT ("userId", "organizationId") DO UPDATE SET role = EXCLUDED.role`,
  );
}
