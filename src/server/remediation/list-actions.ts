import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { type ActionFilters, listActions as listActionRows } from "@/server/db/stores/actions";
import { globalPolicy } from "@/server/policy/global-policy";
import { withApprovalContext } from "./approval-context";
import type { ListedAction } from "./schemas";

/**
 * GET /remediation/actions: newest first, filtered (docs/behaviour.md#reads); pending rows carry
 * their approval context, read in the same statement as the rows.
 */
export async function listActions(
  { db, scope, guardrails }: { db: Db; scope: OrgScope; guardrails?: GlobalPolicy | undefined },
  input: ActionFilters & { limit: number },
  now: Date = new Date(),
): Promise<ListedAction[]> {
  const global = guardrails ?? globalPolicy();
  return (await listActionRows(db, scope.organizationId, input)).map((a) => withApprovalContext(a, global, now));
}
