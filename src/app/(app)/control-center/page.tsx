import type { Metadata } from "next";
import { Suspense } from "react";
import { ControlCenter } from "@/components/control-center/control-center";
import { PendingApprovals } from "@/components/control-center/pending-approvals";
import { Card } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/states";
import { HydrateClient } from "../server-trpc";
import { prefetchPendingQueue, prefetchSummary } from "./prefetch";

export const metadata: Metadata = { title: "Control Center · Remediation Control Center" };

/** The pending queue, streamed once its first page is read (its own hydration boundary). */
async function PendingQueue() {
  await prefetchPendingQueue();
  return (
    <HydrateClient>
      <PendingApprovals />
    </HydrateClient>
  );
}

/**
 * Rendered with its data (docs/architecture.md#server-rendered-data): the hero and the stats are
 * read before the first bytes go out; the pending queue follows in the same response.
 */
export default async function ControlCenterPage() {
  await prefetchSummary();
  return (
    <HydrateClient>
      <ControlCenter
        pendingQueue={
          <Suspense
            fallback={
              <Card title="Pending approvals" headingId="pending-title">
                <LoadingState label="Loading pending approvals…" minHeight="12rem" />
              </Card>
            }
          >
            <PendingQueue />
          </Suspense>
        }
      />
    </HydrateClient>
  );
}
