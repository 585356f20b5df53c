import type { ActionRequest } from "@/lib/action-request";
import type { GlobalPolicy } from "@/lib/policy-schema";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { evaluatePolicy } from "./evaluate-policy";
import { globalPolicy } from "./global-policy";
import { loadPolicy } from "./load-policy";

/**
 * POST /remediation/policy/evaluate: what POST /remediation/request would decide now, storing
 * nothing. A dry run of the policy only: the incident is not looked up (the body is validated
 * exactly like a request, so a malformed incidentId is still a 400).
 */
export async function evaluateActionPolicy(
  { db, scope, guardrails }: { db: Db; scope: OrgScope; guardrails?: GlobalPolicy | undefined },
  input: ActionRequest,
  now: Date = new Date(),
) {
  const { outcome, reasons, violations, detail } = evaluatePolicy(
    input,
    await loadPolicy(db, scope),
    guardrails ?? globalPolicy(),
    now,
  );
  return { outcome, reasons, violations, detail };
}
