import type { z } from "zod";
import type { Prisma } from "@/generated/prisma/client";
import type { Principal } from "@/server/auth/principal-types";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { loadPolicy } from "./load-policy";
import type { Policy, updatePolicyInput } from "./policy-schema";

/**
 * PUT /remediation/policy: the fields sent replace the saved ones, the others keep their value
 * (the default policy's when none is saved). Returns the full policy.
 */
export async function updatePolicy(
  { db, scope, principal }: { db: Db; scope: OrgScope; principal: Principal },
  input: z.output<typeof updatePolicyInput>,
): Promise<Policy> {
  return db.$transaction(async (tx) => {
    // Serialises concurrent partial updates of one organization's policy (no lost fields).
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`policy:${scope.organizationId}`}))`;
    const current = await loadPolicy(tx, scope);
    const next: Policy = { ...current, ...stripUndefined(input) };
    const data = {
      requireApprovalEnvironments: next.requireApprovalEnvironments,
      requireApprovalSeverities: next.requireApprovalSeverities,
      requireApprovalActionTypes: next.requireApprovalActionTypes,
      blockedEnvironments: next.blockedEnvironments,
      deniedActionTypes: next.deniedActionTypes,
      freezeWindows: next.freezeWindows as Prisma.InputJsonValue,
      updatedBy: principal.userId,
    };
    await tx.organizationPolicy.upsert({
      where: { organizationId: scope.organizationId },
      create: scope.data(data),
      update: data,
    });
    return next;
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
