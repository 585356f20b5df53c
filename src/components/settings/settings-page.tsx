"use client";
import * as Tabs from "@radix-ui/react-tabs";
import { parseAsStringLiteral, useQueryState } from "nuqs";
import { useCan } from "@/components/shell/principal-context";
import { AuditPanel } from "./audit-panel";
import { OutboxViewer } from "./outbox-viewer";
import { PolicyDryRun } from "./policy-dry-run";
import { PolicyEditor } from "./policy-editor";
import { ReportRuns } from "./report-runs";
import { ReportingSettingsForm } from "./reporting-settings-form";
import { RetentionPanel } from "./retention-panel";
import { TokenManager } from "./token-manager";

const triggerClass =
  "rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-blue-600/50 data-[state=active]:bg-slate-900 data-[state=active]:text-white";

const TABS = ["reporting", "runs", "policy", "outbox", "audit", "tokens"] as const;

export function SettingsPage() {
  const isAdmin = useCan("policy:update");
  const canView = useCan("remediation:view");
  // The open section is in the URL (`?tab=runs`), so a link opens it and back returns to the last one.
  const [tab, setTab] = useQueryState(
    "tab",
    parseAsStringLiteral(TABS).withDefault("reporting").withOptions({ history: "push" }),
  );
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Settings</h1>
      <Tabs.Root
        value={tab}
        onValueChange={(value) => void setTab(value === "reporting" ? null : (value as (typeof TABS)[number]))}
        className="space-y-4"
      >
        <Tabs.List
          aria-label="Settings sections"
          className="flex flex-wrap gap-1 rounded-lg border border-slate-200 bg-white p-1"
        >
          <Tabs.Trigger value="reporting" className={triggerClass}>
            Reporting
          </Tabs.Trigger>
          <Tabs.Trigger value="runs" className={triggerClass}>
            Report runs
          </Tabs.Trigger>
          <Tabs.Trigger value="policy" className={triggerClass}>
            Policy
          </Tabs.Trigger>
          <Tabs.Trigger value="outbox" className={triggerClass}>
            Email outbox
          </Tabs.Trigger>
          {canView && (
            <Tabs.Trigger value="audit" className={triggerClass}>
              Audit
            </Tabs.Trigger>
          )}
          {isAdmin && (
            <Tabs.Trigger value="tokens" className={triggerClass}>
              API tokens
            </Tabs.Trigger>
          )}
        </Tabs.List>
        <Tabs.Content value="reporting" className="space-y-5 focus:outline-none">
          <ReportingSettingsForm />
          <RetentionPanel />
        </Tabs.Content>
        <Tabs.Content value="runs" className="focus:outline-none">
          <ReportRuns />
        </Tabs.Content>
        <Tabs.Content value="policy" className="space-y-5 focus:outline-none">
          <PolicyEditor />
          <PolicyDryRun />
        </Tabs.Content>
        <Tabs.Content value="outbox" className="focus:outline-none">
          <OutboxViewer />
        </Tabs.Content>
        {canView && (
          <Tabs.Content value="audit" className="focus:outline-none">
            <AuditPanel />
          </Tabs.Content>
        )}
        {isAdmin && (
          <Tabs.Content value="tokens" className="focus:outline-none">
            <TokenManager />
          </Tabs.Content>
        )}
      </Tabs.Root>
    </div>
  );
}
