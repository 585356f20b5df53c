import type { Tx } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { DEFAULT_POLICY, type Policy, policySchema } from "./policy-schema";

/** The stored columns of organization_policies that make a policy. */
export interface PolicyRow {
  requireApprovalEnvironments: string[];
  requireApprovalSeverities: string[];
  requireApprovalActionTypes: string[];
  blockedEnvironments: string[];
  deniedActionTypes: string[];
  freezeWindows: unknown;
}

/** A stored row → the policy (the default, §6, when none is saved). One mapping for every reader. */
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

/** The organization's saved policy, or the default (§6) when none is saved. */
export async function loadPolicy(db: Tx, scope: OrgScope): Promise<Policy> {
  return policyFromRow(await db.organizationPolicy.findUnique({ where: { organizationId: scope.organizationId } }));
}
