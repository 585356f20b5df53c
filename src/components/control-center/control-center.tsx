"use client";
import { ActionsTable } from "./actions-table";
import { ActivityPanel } from "./activity-panel";
import { DecisionTimePanel } from "./decision-time-panel";
import { OverrideReviews } from "./override-reviews";
import { PendingApprovals } from "./pending-approvals";
import { PriorityHero } from "./priority-hero";
import { StatsCards } from "./stats-cards";

/** The home page: what needs an operator now, then the audit trail (docs/behaviour.md#ui). */
export function ControlCenter() {
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Remediation Control Center</h1>
      <PriorityHero />
      <StatsCards />
      <div className="grid gap-5 xl:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <PendingApprovals />
        <ActivityPanel />
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
