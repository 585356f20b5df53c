import { FIRST_PENDING_PAGE } from "@/lib/pending-queue";
import { serverTrpc } from "../server-trpc";

/**
 * What the Control Center's first response carries (docs/architecture.md#server-rendered-data),
 * in one place: the hero, the stats and the first page of the pending queue, each with the exact
 * input its client component asks for (the query key must match for the browser to reuse it).
 * The three reads run in parallel, each a few index entries (the queue: one page of its index
 * range); the chart, the decision-time panel, the override reviews and the actions table are
 * fetched by the browser once the page is shown, so a slow read there never delays these.
 */
export async function prefetchControlCenter(): Promise<void> {
  const trpc = await serverTrpc();
  await Promise.all([
    trpc.remediation.prioritySignal.prefetch(undefined),
    trpc.remediation.stats.prefetch(undefined),
    trpc.remediation.pendingQueue.prefetch(FIRST_PENDING_PAGE),
  ]);
}
