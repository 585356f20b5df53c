import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";
import { newIdSql } from "../ids";
import { isUuid } from "../scoped";

/**
 * The users store: accounts that sign in to the browser UI (docs/data-model.md#users). Users are
 * not tenant data: an account belongs to organizations through its memberships.
 */

export interface UserAccount {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
}

/**
 * The account with this email, compared case-insensitively (the oldest one should two accounts
 * differ only in case), or undefined.
 */
export async function findUserByEmail(q: Queryable, email: string): Promise<UserAccount | undefined> {
  const [row] = await queryRows<UserAccount>(
    q,
    Prisma.sql`
    SELECT id, email, name, "passwordHash" FROM users
    WHERE lower(email) = lower(${email})
    ORDER BY "createdAt", id
    LIMIT 1`,
  );
  return row;
}

/** Creates an account and returns its id. */
export async function insertUser(
  q: Queryable,
  user: { email: string; name: string; passwordHash: string },
): Promise<string> {
  const [row] = await queryRows<{ id: string }>(
    q,
    Prisma.sql`
    INSERT INTO users (id, email, name, "passwordHash")
    VALUES (${newIdSql()}, ${user.email}, ${user.name}, ${user.passwordHash})
    RETURNING id`,
  );
  return row!.id;
}

/** The account's name and email, or undefined (no such account; API principals' ids are not accounts). */
export async function findUserContact(
  q: Queryable,
  userId: string,
): Promise<{ name: string; email: string } | undefined> {
  if (!isUuid(userId)) return undefined;
  const [row] = await queryRows<{ name: string; email: string }>(
    q,
    Prisma.sql`SELECT name, email FROM users WHERE id = ${userId}::uuid`,
  );
  return row;
}

/**
 * The account with this email (case-insensitively), created with `user` when there is none.
 * Concurrent first sign-ins of one address both end with the one row (ON CONFLICT DO NOTHING).
 */
export async function ensureUser(
  q: Queryable,
  user: { email: string; name: string; passwordHash: string },
): Promise<UserAccount> {
  const existing = await findUserByEmail(q, user.email);
  if (existing) return existing;
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO users (id, email, name, "passwordHash")
    VALUES (${newIdSql()}, ${user.email}, ${user.name}, ${user.passwordHash})
    ON CONFLICT (email) DO NOTHING`,
  );
  return (await findUserByEmail(q, user.email)) as UserAccount;
}
