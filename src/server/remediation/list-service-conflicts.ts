import { z } from "zod";
import { SERVICE_CONFLICTS_LIMIT } from "@/lib/action-request";
import { environmentSchema, storableString } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listActiveForService } from "@/server/db/stores/actions";
import { actionSchema } from "./schemas";

export const serviceConflictsInput = z.strictObject({
  serviceName: storableString().trim().min(1).max(200),
  environment: environmentSchema,
});

export const serviceConflictsSchema = z.array(actionSchema);

/**
 * The execute dialog's pre-flight (docs/behaviour.md#operator-ui): the organization's actions on
 * the same service and environment that are still PENDING_APPROVAL, QUEUED or EXECUTING — what a
 * new request would run alongside. Another organization's actions are never seen.
 */
export async function listServiceConflicts(
  { db, scope }: { db: Db; scope: OrgScope },
  input: z.output<typeof serviceConflictsInput>,
) {
  return listActiveForService(db, scope.organizationId, { ...input, limit: SERVICE_CONFLICTS_LIMIT + 1 });
}
