"use client";
import { ActionsTable } from "./actions-table";
import { ActivityPanel } from "./activity-panel";
import { DecisionTimePanel } from "./decision-time-panel";
import { OverrideReviews } from "./override-reviews";
import { PendingApprovals } from "./pending-approvals";
import { PriorityHero } from "./priority-hero";
import { StatsCards } from "./stats-cards";

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
      <OverrideReviews />
      <DecisionTimePanel />
      <ActionsTable />
    </div>
  );
}
