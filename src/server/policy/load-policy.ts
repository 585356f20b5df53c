import { DEFAULT_POLICY, type VersionedPolicy, versionedPolicySchema } from "@/lib/policy-schema";
import type { Queryable } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findPolicy, type PolicyRow, type PolicyStamp } from "@/server/db/stores/policies";

/** The never-saved default: version 0, no author (docs/behaviour.md#policy-version). */
const DEFAULT_VERSIONED: VersionedPolicy = Object.freeze({
  ...DEFAULT_POLICY,
  version: 0,
  updatedBy: null,
  updatedAt: null,
});

/** A stored row → the policy with its version (the default when none is saved). One mapping for every reader. */
export function policyFromRow(row: (PolicyRow & PolicyStamp) | null | undefined): VersionedPolicy {
  if (!row) return DEFAULT_VERSIONED;
  return versionedPolicySchema.parse({
    ...row,
    updatedAt: row.updatedAt ? new Date(row.updatedAt).toISOString() : null,
  });
}

/** The organization's saved policy, or the default (docs/behaviour.md#policy) when none is saved. */
export async function loadPolicy(q: Queryable, scope: OrgScope): Promise<VersionedPolicy> {
  return policyFromRow(await findPolicy(q, scope.organizationId));
}
