import type { z } from "zod";
import type { createApiTokenInput } from "@/lib/api-tokens";
import { type Db, transaction } from "@/server/db/client";
import { newId } from "@/server/db/ids";
import type { OrgScope } from "@/server/db/scoped";
import { insertApiToken } from "@/server/db/stores/api-tokens";
import { appendEvent } from "@/server/db/stores/events";
import { AppError } from "@/server/errors";
import type { createdApiTokenSchema } from "./api-token-schemas";
import { signToken } from "./bearer";
import type { Principal } from "./principal-types";

/**
 * POST /remediation/tokens (docs/behaviour.md#api-tokens): a token acting as the caller in the
 * caller's organization, with a subset of the caller's permissions. The record (id = the token's
 * `jti`) and its TOKEN_CREATED event commit together; the token is returned once and not stored.
 */
export async function createApiToken(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: z.output<typeof createApiTokenInput>,
  now: Date = new Date(),
): Promise<z.infer<typeof createdApiTokenSchema>> {
  const issues = input.permissions.flatMap((permission, i) =>
    principal.permissions.includes(permission)
      ? []
      : [{ path: `permissions.${i}`, message: `You do not hold ${permission}, so you cannot grant it` }],
  );
  if (issues.length > 0) {
    throw new AppError("BAD_REQUEST", "A token cannot grant permissions its creator does not hold", { issues });
  }

  return issueApiToken(db, scope.organizationId, {
    name: input.name,
    permissions: input.permissions,
    ttlSeconds: input.ttlSeconds,
    createdBy: principal.userId,
    ...(principal.email && { email: principal.email }),
    ...(principal.name && { userName: principal.name }),
    now,
  });
}

/**
 * Signs a token with `jti` = a new record's id and stores the record with its TOKEN_CREATED
 * event in one transaction (the API above, and `npm run token -- --register`, which has no
 * principal: whoever holds the secret may sign any token anyway).
 */
export async function issueApiToken(
  db: Db,
  organizationId: string,
  input: {
    name: string;
    permissions: readonly string[];
    ttlSeconds: number;
    createdBy: string;
    email?: string;
    userName?: string;
    now?: Date;
    eventData?: Record<string, unknown>;
  },
): Promise<z.infer<typeof createdApiTokenSchema>> {
  const id = newId();
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const token = await signToken({
    sub: input.createdBy,
    organizationId,
    permissions: input.permissions,
    ttlSeconds: input.ttlSeconds,
    jti: id,
    issuedAt,
    ...(input.email && { email: input.email }),
    ...(input.userName && { name: input.userName }),
  });
  const expiresAt = new Date((issuedAt + input.ttlSeconds) * 1000);
  const permissions = [...input.permissions];

  const record = await transaction(db, async (tx) => {
    const created = await insertApiToken(tx, organizationId, {
      id,
      name: input.name,
      permissions,
      createdBy: input.createdBy,
      expiresAt,
    });
    await appendEvent(tx, organizationId, {
      actionId: null,
      type: "TOKEN_CREATED",
      actor: input.createdBy,
      data: { tokenId: id, name: input.name, permissions, expiresAt: expiresAt.toISOString(), ...input.eventData },
    });
    return created;
  });
  return { ...record, token };
}
