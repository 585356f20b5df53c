import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { signalCounts } from "@/server/db/stores/actions";
import { computePrioritySignal, type PrioritySignal } from "./priority-signal";

/** GET /remediation/priority-signal?environment= (docs/behaviour.md#priority-signal): one statement. */
export async function getPrioritySignal(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
  now: Date = new Date(),
): Promise<PrioritySignal> {
  return computePrioritySignal(await signalCounts(db, scope.organizationId, input.environment, now));
}
