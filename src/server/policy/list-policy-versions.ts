import { policySchema } from "@/lib/policy-schema";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listPolicyVersions as listVersionRows } from "@/server/db/stores/policies";

/** GET /remediation/policy/versions: the stored versions (1 and up), newest first, each the full policy. */
export async function listPolicyVersions({ db, scope }: { db: Db; scope: OrgScope }, input: { limit: number }) {
  return (await listVersionRows(db, scope.organizationId, input.limit)).map((v) => ({
    version: v.version,
    policy: policySchema.parse(v.policy),
    createdBy: v.createdBy,
    createdAt: new Date(v.createdAt),
  }));
}
