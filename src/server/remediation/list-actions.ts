import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { type ActionFilters, listActions as listActionRows } from "@/server/db/stores/actions";
import type { ActionRow } from "./schemas";

/** GET /remediation/actions: newest first, filtered (docs/behaviour.md#reads). */
export function listActions(
  { db, scope }: { db: Db; scope: OrgScope },
  input: ActionFilters & { limit: number },
): Promise<ActionRow[]> {
  return listActionRows(db, scope.organizationId, input);
}
