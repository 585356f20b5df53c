import type { z } from "zod";
import { type Db, transaction } from "@/server/db/client";
import { isUuid, type OrgScope } from "@/server/db/scoped";
import { revokeApiToken as revokeStoredToken } from "@/server/db/stores/api-tokens";
import { appendEvent } from "@/server/db/stores/events";
import { notFound } from "@/server/errors";
import type { apiTokenSchema } from "./api-token-schemas";
import type { Principal } from "./principal-types";
import { forgetRevokedToken } from "./registered-tokens";

/**
 * DELETE /remediation/tokens/:id (docs/behaviour.md#api-tokens). Idempotent: revoking a revoked
 * token answers 200 with the record as it is (the first `revokedAt`) and writes no second event.
 * The conditional update and its TOKEN_REVOKED event commit together; the table's trigger
 * notifies every process at that commit.
 */
export async function revokeApiToken(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: { id: string },
): Promise<z.infer<typeof apiTokenSchema>> {
  if (!isUuid(input.id)) throw notFound("Token");
  const result = await transaction(db, async (tx) => {
    const outcome = await revokeStoredToken(tx, scope.organizationId, input.id);
    if (outcome?.revoked) {
      await appendEvent(tx, scope.organizationId, {
        actionId: null,
        type: "TOKEN_REVOKED",
        actor: principal.userId,
        data: { tokenId: input.id, name: outcome.record.name },
      });
    }
    return outcome;
  });
  if (!result) throw notFound("Token");
  forgetRevokedToken(input.id);
  return result.record;
}
