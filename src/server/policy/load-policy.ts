import { DEFAULT_POLICY, type Policy, policySchema } from "@/lib/policy-schema";
import type { Queryable } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findPolicy, type PolicyRow } from "@/server/db/stores/policies";

/** A stored row → the policy (the default when none is saved). One mapping for every reader. */
export function policyFromRow(row: PolicyRow | null | undefined): Policy {
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

/** The organization's saved policy, or the default (docs/behaviour.md#policy) when none is saved. */
export async function loadPolicy(q: Queryable, scope: OrgScope): Promise<Policy> {
  return policyFromRow(await findPolicy(q, scope.organizationId));
}
