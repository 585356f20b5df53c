import type { z } from "zod";
import { type Policy, policyIssues, type updatePolicyInput, type VersionedPolicy } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { lockPolicy, savePolicy } from "@/server/db/stores/policies";
import { AppError } from "@/server/errors";
import { loadPolicy } from "./load-policy";

/**
 * PUT /remediation/policy: the fields sent replace the saved ones, the others keep their value
 * (the default policy's when none is saved). Rules across fields are checked on the merged
 * policy (400, nothing saved). Every save is the next version. Returns the full policy.
 */
export async function updatePolicy(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: z.output<typeof updatePolicyInput>,
): Promise<VersionedPolicy> {
  return transaction(db, async (tx) => {
    await lockPolicy(tx, scope.organizationId);
    const { version: _v, updatedBy: _b, updatedAt: _a, ...current } = await loadPolicy(tx, scope);
    const next: Policy = { ...current, ...stripUndefined(input) };
    const issues = policyIssues(next);
    if (issues.length > 0) throw new AppError("BAD_REQUEST", "Validation failed", { issues });
    const stamp = await savePolicy(tx, scope.organizationId, { ...next, updatedBy: principal.userId });
    return { ...next, ...stamp, updatedAt: stamp.updatedAt ? new Date(stamp.updatedAt).toISOString() : null };
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
