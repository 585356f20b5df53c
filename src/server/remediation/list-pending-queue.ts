import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { pendingQueuePage } from "@/server/db/stores/actions";
import { activeGuardrails } from "@/server/policy/evaluate-policy";
import { globalPolicy } from "@/server/policy/global-policy";
import { policyFromRow } from "@/server/policy/load-policy";
import { withApprovalContext } from "./approval-context";
import type { PendingQueue } from "./schemas";

/**
 * The Control Center's pending queue (docs/behaviour.md#pending-queue): one page of
 * PENDING_APPROVAL actions, riskiest first then oldest, with the true pending total — one
 * statement. Each row carries its approval context and the guardrails an approval would override.
 */
export async function listPendingQueue(
  { db, scope, guardrails }: { db: Db; scope: OrgScope; guardrails?: GlobalPolicy | undefined },
  input: { offset: number; limit: number },
  now: Date = new Date(),
): Promise<PendingQueue> {
  const global = guardrails ?? globalPolicy();
  const page = await pendingQueuePage(db, scope.organizationId, input);
  return {
    total: page.total,
    offset: input.offset,
    limit: input.limit,
    rows: page.rows.map(({ risk: _, ...action }) => {
      const policy = policyFromRow(action.approvalBasis?.policy ?? null);
      return {
        ...withApprovalContext(action, global, now),
        guardrails: activeGuardrails(action.environment, policy, global, now),
      };
    }),
  };
}
