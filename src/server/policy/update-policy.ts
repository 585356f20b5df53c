import type { z } from "zod";
import type { Policy, updatePolicyInput } from "@/lib/policy-schema";
import type { Principal } from "@/server/auth/principal-types";
import { type Db, transaction } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { lockPolicy, savePolicy } from "@/server/db/stores/policies";
import { loadPolicy } from "./load-policy";

/**
 * PUT /remediation/policy: the fields sent replace the saved ones, the others keep their value
 * (the default policy's when none is saved). Returns the full policy.
 */
export async function updatePolicy(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: z.output<typeof updatePolicyInput>,
): Promise<Policy> {
  return transaction(db, async (tx) => {
    await lockPolicy(tx, scope.organizationId);
    const next: Policy = { ...(await loadPolicy(tx, scope)), ...stripUndefined(input) };
    await savePolicy(tx, scope.organizationId, { ...next, updatedBy: principal.userId });
    return next;
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
