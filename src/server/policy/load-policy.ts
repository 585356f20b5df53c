import type { Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { DEFAULT_POLICY, type Policy, policySchema } from "./policy-schema";

/** The organization's saved policy, or the default (§6) when none is saved. */
export async function loadPolicy(db: Tx, scope: OrgScope): Promise<Policy> {
  const row = await db.organizationPolicy.findUnique({ where: { organizationId: scope.organizationId } });
  if (!row) return DEFAULT_POLICY;
  return policySchema.parse({
    requireApprovalEnvironments: row.requireApprovalEnvironments,
    requireApprovalSeverities: row.requireApprovalSeverities,
    requireApprovalActionTypes: row.requireApprovalActionTypes,
    blockedEnvironments: row.blockedEnvironments,
    deniedActionTypes: row.deniedActionTypes,
    freezeWindows: row.freezeWindows,
  });
}
