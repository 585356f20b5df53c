import type { Db } from "@/server/db/client";
import { coalescedRead } from "@/server/db/coalesced-read";
import { perDb } from "@/server/db/per-db";
import type { OrgScope } from "@/server/db/scoped";
import { signalCounts } from "@/server/db/stores/actions";
import { computePrioritySignal, type PrioritySignal } from "./priority-signal";

interface SignalQuestion {
  organizationId: string;
  environment: string | undefined;
}

/**
 * GET /remediation/priority-signal?environment= (docs/behaviour.md#priority-signal): one
 * statement, shared by the requests for the same organization and environment that arrive while
 * one is in flight (docs/adr/0020-coalesced-hot-reads.md): every open Control Center polls it and
 * refetches it on each live event, all at once. Its windows end when the statement starts.
 */
export async function getPrioritySignal(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { environment?: string | undefined },
): Promise<PrioritySignal> {
  const counts = await sharedReader(db)({ organizationId: scope.organizationId, environment: input.environment });
  return computePrioritySignal(counts);
}

const sharedReader = perDb((db) =>
  coalescedRead(
    ({ organizationId, environment }: SignalQuestion) => JSON.stringify([organizationId, environment ?? null]),
    ({ organizationId, environment }) => signalCounts(db, organizationId, environment, new Date()),
  ),
);
