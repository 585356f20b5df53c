import type { z } from "zod";
import { mergePolicyUpdate, policyIssues, type updatePolicyBody, type VersionedPolicy } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { lockPolicy, savePolicy } from "@/server/db/stores/policies";
import { AppError } from "@/server/errors";
import { loadPolicy } from "./load-policy";

/**
 * PUT /remediation/policy: the fields sent replace the saved ones, the others keep their value
 * (the default policy's when none is saved). Rules across fields are checked on the merged
 * policy (400, nothing saved). `expectedVersion` that is not the current version → 409 (checked
 * under the policy lock, so of two PUTs made from the same version exactly one is saved). Every
 * save is the next version, kept whole (docs/behaviour.md#policy-version). Returns the full policy.
 */
export async function updatePolicy(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: z.output<typeof updatePolicyBody>,
): Promise<VersionedPolicy> {
  const { expectedVersion, ...update } = input;
  return transaction(db, async (tx) => {
    await lockPolicy(tx, scope.organizationId);
    const current = await loadPolicy(tx, scope);
    if (expectedVersion !== undefined && expectedVersion !== current.version) {
      throw new AppError(
        "CONFLICT",
        `Policy changed since version ${expectedVersion} was read (now ${current.version}).`,
      );
    }
    const next = mergePolicyUpdate(current, update);
    const issues = policyIssues(next);
    if (issues.length > 0) throw new AppError("BAD_REQUEST", "Validation failed", { issues });
    const stamp = await savePolicy(tx, scope.organizationId, { ...next, updatedBy: principal.userId });
    return { ...next, ...stamp, updatedAt: stamp.updatedAt ? new Date(stamp.updatedAt).toISOString() : null };
  });
}
