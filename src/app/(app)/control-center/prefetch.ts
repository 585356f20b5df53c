import { PENDING_QUEUE_INPUT } from "@/components/control-center/queries";
import { serverTrpc } from "../server-trpc";

/**
 * What the Control Center's first response carries (docs/architecture.md#server-rendered-data),
 * in one place, each with the exact input its client component asks for (the query key must
 * match for the browser to reuse it):
 * - `prefetchSummary`: the hero and the stats, a few index entries each, read in parallel before
 *   the page's first bytes are sent;
 * - `prefetchPendingQueue`: the pending queue's first page, streamed after them in its own
 *   Suspense boundary (a page of rows weighs more to read and to render than two counters).
 * The chart, the decision-time panel, the override reviews and the actions table are fetched by
 * the browser once the page is shown, so a slow read there never delays these.
 */
export async function prefetchSummary(): Promise<void> {
  const trpc = await serverTrpc();
  await Promise.all([trpc.remediation.prioritySignal.prefetch(undefined), trpc.remediation.stats.prefetch(undefined)]);
}

export async function prefetchPendingQueue(): Promise<void> {
  const trpc = await serverTrpc();
  await trpc.remediation.list.prefetch(PENDING_QUEUE_INPUT);
}
