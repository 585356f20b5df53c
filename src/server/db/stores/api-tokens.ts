import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/**
 * The api_tokens store (docs/data-model.md#api_tokens): one row per registered API token, its id
 * the token's `jti`. The token string is never stored. Revoking sets `revokedAt` once; the
 * table's trigger then NOTIFYs `rcc_token_revoked` with the id (docs/behaviour.md#api-tokens).
 */

export interface ApiTokenRecord {
  id: string;
  name: string;
  permissions: string[];
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** What a request's verification needs of the record. */
export interface ApiTokenState {
  revokedAt: Date | null;
  expiresAt: Date;
}

/** The channel the revocation trigger notifies (payload: the token id). */
export const TOKEN_REVOKED_CHANNEL = "rcc_token_revoked";

const COLUMNS = Prisma.sql`id::text AS id, name, permissions, "createdBy", "createdAt", "expiresAt", "revokedAt", "lastUsedAt"`;

export async function insertApiToken(
  q: Queryable,
  organizationId: string,
  token: { id: string; name: string; permissions: readonly string[]; createdBy: string; expiresAt: Date },
): Promise<ApiTokenRecord> {
  const [row] = await queryRows<ApiTokenRecord>(
    q,
    Prisma.sql`
    INSERT INTO api_tokens (id, "organizationId", name, permissions, "createdBy", "expiresAt")
    VALUES (${token.id}::uuid, ${organizationId}, ${token.name}, ${[...token.permissions]}::text[], ${token.createdBy},
            ${token.expiresAt})
    RETURNING ${COLUMNS}`,
  );
  return row!;
}

/** The organization's tokens, newest first (revoked and expired ones included). */
export async function listApiTokens(q: Queryable, organizationId: string, limit: number): Promise<ApiTokenRecord[]> {
  return queryRows<ApiTokenRecord>(
    q,
    Prisma.sql`
    SELECT ${COLUMNS} FROM api_tokens WHERE "organizationId" = ${organizationId}
    ORDER BY "createdAt" DESC, id DESC LIMIT ${limit}`,
  );
}

/**
 * Revokes once: a conditional update, so of concurrent revocations exactly one sets `revokedAt`
 * (and writes the event). `revoked` says whether this call did; `record` is the row either way,
 * undefined when the organization has no such token. The re-read is a statement of its own: under
 * READ COMMITTED it sees a concurrent revocation that committed while the update waited.
 */
export async function revokeApiToken(
  q: Queryable,
  organizationId: string,
  id: string,
): Promise<{ record: ApiTokenRecord; revoked: boolean } | undefined> {
  const [moved] = await queryRows<ApiTokenRecord>(
    q,
    Prisma.sql`
    UPDATE api_tokens SET "revokedAt" = now()
    WHERE "organizationId" = ${organizationId} AND id = ${id}::uuid AND "revokedAt" IS NULL
    RETURNING ${COLUMNS}`,
  );
  if (moved) return { record: moved, revoked: true };
  const [current] = await queryRows<ApiTokenRecord>(
    q,
    Prisma.sql`SELECT ${COLUMNS} FROM api_tokens WHERE "organizationId" = ${organizationId} AND id = ${id}::uuid`,
  );
  return current && { record: current, revoked: false };
}

/** A presented token's record state, or undefined when the organization has no such token. */
export async function findApiTokenState(
  q: Queryable,
  organizationId: string,
  id: string,
): Promise<ApiTokenState | undefined> {
  const [row] = await queryRows<ApiTokenState>(
    q,
    Prisma.sql`
    SELECT "revokedAt", "expiresAt" FROM api_tokens WHERE "organizationId" = ${organizationId} AND id = ${id}::uuid`,
  );
  return row;
}

/**
 * Records a use, at most once a minute per token whichever process serves it: the condition
 * makes a second write within the minute a no-op (no row version). True when it wrote.
 */
export async function touchApiToken(q: Queryable, organizationId: string, id: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    q,
    Prisma.sql`
    UPDATE api_tokens SET "lastUsedAt" = now()
    WHERE "organizationId" = ${organizationId} AND id = ${id}::uuid
      AND ("lastUsedAt" IS NULL OR "lastUsedAt" < now() - interval '1 minute')
    RETURNING id::text AS id`,
  );
  return rows.length > 0;
}
