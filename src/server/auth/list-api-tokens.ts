import type { z } from "zod";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listApiTokens as listStoredTokens } from "@/server/db/stores/api-tokens";
import type { apiTokenSchema } from "./api-token-schemas";

/** Bounded: revoked and expired tokens stay listed (an audit of what was issued), newest first. */
const TOKENS_LIMIT = 500;

/** GET /remediation/tokens (docs/behaviour.md#api-tokens): the organization's registered tokens. */
export async function listApiTokens({
  db,
  scope,
}: {
  db: Db;
  scope: OrgScope;
}): Promise<z.infer<typeof apiTokenSchema>[]> {
  return listStoredTokens(db, scope.organizationId, TOKENS_LIMIT);
}
