"use client";
import dynamic from "next/dynamic";
import { LoadingState } from "@/components/ui/states";
import { ActivityPanel } from "./activity-panel";
import { PendingApprovals } from "./pending-approvals";
import { PriorityHero } from "./priority-hero";
import { StatsCards } from "./stats-cards";

/*
 * The panels below the queue fetch their own data in the browser after the page is shown; their
 * code is not in the first load either (docs/architecture.md#first-load-javascript). Each keeps
 * its place with a placeholder of about its height, so nothing above it moves.
 */
function PanelPlaceholder({ label, minHeight }: { label: string; minHeight: string }) {
  return (
    <section aria-label={label} className="rounded-lg border border-slate-200 bg-white">
      <LoadingState label={`Loading ${label.toLowerCase()}…`} minHeight={minHeight} />
    </section>
  );
}
const OverrideReviews = dynamic(() => import("./override-reviews").then((m) => m.OverrideReviews), {
  ssr: false,
  loading: () => <PanelPlaceholder label="Override reviews" minHeight="8rem" />,
});
const DecisionTimePanel = dynamic(() => import("./decision-time-panel").then((m) => m.DecisionTimePanel), {
  ssr: false,
  loading: () => <PanelPlaceholder label="Decision time" minHeight="16rem" />,
});
const ActionsTable = dynamic(() => import("./actions-table").then((m) => m.ActionsTable), {
  ssr: false,
  loading: () => <PanelPlaceholder label="Actions" minHeight="24rem" />,
});

/**
 * The home page: what needs an operator now, then the audit trail (docs/behaviour.md#ui). Below
 * `md` (a phone) the pending queue comes before the stats, then the chart: the grid around the
 * queue dissolves (`display: contents`) so the three can be ordered (docs/behaviour.md#ui-accessibility).
 */
export function ControlCenter() {
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Remediation Control Center</h1>
      <PriorityHero />
      <div className="flex flex-col gap-5">
        <div className="max-md:order-1">
          <StatsCards />
        </div>
        <div className="grid gap-5 max-md:contents xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <PendingApprovals />
          <div className="min-w-0 max-md:order-2">
            <ActivityPanel />
          </div>
        </div>
      </div>
      {/* Anchors of the hero's links (docs/behaviour.md#ui-control-center). */}
      <div id="override-reviews" className="scroll-mt-4">
        <OverrideReviews />
      </div>
      <DecisionTimePanel />
      <div id="actions" className="scroll-mt-4">
        <ActionsTable />
      </div>
    </div>
  );
}
