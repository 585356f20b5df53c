"use client";
import { useState } from "react";
import { useRefreshRemediation } from "@/components/remediation/use-refresh";
import { useCan } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Dialog } from "@/components/ui/dialog";
import { formatDateTime, formatNumber } from "@/components/ui/format";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { toast } from "@/components/ui/toast";
import { trpc } from "@/lib/trpc";
import { messageOf } from "./server-issues";

/** "Enforce retention now", behind a confirmation that shows the cutoff and what it would delete. */
export function RetentionPanel() {
  const canManage = useCan("policy:update");
  const [open, setOpen] = useState(false);
  const preview = trpc.ui.retentionPreview.useQuery(undefined, { enabled: open, staleTime: 0, gcTime: 0 });
  const enforce = trpc.reporting.enforceRetention.useMutation();
  const refresh = useRefreshRemediation();

  async function confirm() {
    try {
      const result = await enforce.mutateAsync(undefined);
      toast.success(`Retention enforced: ${formatNumber(result.deletedCount)} action(s) deleted`, {
        description: `Cutoff ${formatDateTime(result.cutoff)} (${result.retentionDays} days)`,
      });
      setOpen(false);
      await refresh();
    } catch (error) {
      toast.error("Retention failed", { description: messageOf(error) });
    }
  }

  return (
    <Card title="Data retention" headingId="retention-title">
      <p className="text-sm text-slate-600">
        Completed, failed and rejected actions older than the retention period are deleted with their events every day
        at 03:00 UTC. Pending, queued and executing actions are never deleted.
      </p>
      {canManage && (
        <Button className="mt-3" variant="danger" onClick={() => setOpen(true)}>
          Enforce retention now…
        </Button>
      )}
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Enforce retention now?"
        description="This permanently deletes audit rows. It cannot be undone."
        footer={
          <>
            <Button onClick={() => setOpen(false)}>Cancel</Button>
            <Button variant="danger" onClick={confirm} busy={enforce.isPending} disabled={!preview.data}>
              Delete expired actions
            </Button>
          </>
        }
      >
        {preview.data ? (
          <dl data-testid="retention-preview" className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-slate-500">Retention</dt>
            <dd>{preview.data.retentionDays} days</dd>
            <dt className="text-slate-500">Cutoff</dt>
            <dd data-testid="retention-cutoff" data-cutoff={preview.data.cutoff.toISOString()}>
              {formatDateTime(preview.data.cutoff)}
            </dd>
            <dt className="text-slate-500">Will delete</dt>
            <dd data-testid="retention-eligible">
              {formatNumber(preview.data.eligibleCount)} terminal action(s) created before the cutoff
            </dd>
          </dl>
        ) : preview.error ? (
          <ErrorState error={preview.error} onRetry={() => preview.refetch()} />
        ) : (
          <LoadingState label="Computing cutoff…" />
        )}
      </Dialog>
    </Card>
  );
}
