"use client";
import { keepPreviousData } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import { useApprovalGate } from "@/components/remediation/use-approval-gate";
import { useContextChanges } from "@/components/remediation/use-context-changes";
import { useMemberNames } from "@/components/remediation/use-members";
import { useShellUser } from "@/components/shell/principal-context";
import { Card } from "@/components/ui/card";
import { EmptyState, QueryState } from "@/components/ui/states";
import { toast } from "@/components/ui/toast";
import { useNow } from "@/components/ui/use-now";
import { FIRST_PENDING_PAGE, PENDING_QUEUE_PAGE_SIZE } from "@/lib/pending-queue";
import { hasPermission } from "@/lib/permissions";
import { trpc } from "@/lib/trpc";
import { PendingApprovalRow, type QueueRow } from "./pending-approval-row";
import { usePolling } from "./poll";
import { QueuePager } from "./queue-chrome";
import { useCountInTitle } from "./use-count-in-title";
import { useInlineDecisions } from "./use-inline-decisions";
import { useQueueKeyboard } from "./use-queue-keyboard";

// The override prompt (a dialog and a form library) is not needed to show the queue: out of the
// first load (docs/architecture.md#first-load-javascript), fetched once the page is up.
const loadApproveDialog = () => import("@/components/remediation/approve-dialog").then((m) => m.ApproveDialog);
const ApproveDialog = dynamic(loadApproveDialog, { ssr: false });
// The `?` list too: a dialog library nobody needs before pressing the key.
const ShortcutsDialog = dynamic(() => import("./shortcuts-dialog").then((m) => m.ShortcutsDialog), { ssr: false });

/**
 * The pending queue (docs/behaviour.md#pending-queue): a page of compact rows, riskiest first as
 * the server orders them, the true pending total in the badge and the tab title, and keyboard
 * triage (j/k/a/r/o/?). The first page's input is FIRST_PENDING_PAGE, so a server prefetch of it
 * is the page shown.
 */
export function PendingApprovals() {
  const user = useShellUser();
  const canApprove = hasPermission(user.permissions, "remediation:approve");
  const canReject = hasPermission(user.permissions, "remediation:reject");
  const [offset, setOffset] = useState(0);
  const queue = trpc.remediation.pendingQueue.useQuery(
    offset === 0 ? FIRST_PENDING_PAGE : { offset, limit: PENDING_QUEUE_PAGE_SIZE },
    { ...usePolling(), placeholderData: keepPreviousData },
  );
  const rows = queue.data?.rows;
  const changes = useContextChanges(rows);
  const decisions = useInlineDecisions({ onDecided: changes.acknowledge });
  const gate = useApprovalGate();
  const nameOf = useMemberNames();
  const now = useNow();
  // Fetch the override prompt's code once the page is up, before anyone needs it.
  useEffect(() => {
    void loadApproveDialog();
  }, []);
  const router = useRouter();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [helpOpen, setHelpOpen] = useState(false);
  const rowElements = useRef(new Map<string, HTMLDivElement>());
  const focusSelection = useRef(false);

  const visible = (rows ?? []).filter((a) => !decisions.hidden.has(a.id));
  // Rows decided here but still in the last read: the badge and title count them out at once.
  const decidedHere = (rows ?? []).length - visible.length;
  const total = queue.data ? Math.max(0, queue.data.total - decidedHere) : undefined;
  useCountInTitle(total);

  // A page emptied by decisions (or by others) steps back to the last page that has rows.
  const serverTotal = queue.data?.total;
  useEffect(() => {
    if (serverTotal !== undefined && offset > 0 && offset >= serverTotal) {
      setOffset(Math.max(0, Math.ceil(serverTotal / PENDING_QUEUE_PAGE_SIZE) - 1) * PENDING_QUEUE_PAGE_SIZE);
    }
  }, [offset, serverTotal]);

  // The selected row was decided (hidden): the selection moves on to the next row, as in a mail triage.
  const hiddenSelected = selectedId !== null && decisions.hidden.has(selectedId);
  useEffect(() => {
    if (!hiddenSelected || !rows) return;
    const at = rows.findIndex((r) => r.id === selectedId);
    const next = rows.slice(at + 1).find((r) => !decisions.hidden.has(r.id)) ?? visible.at(-1);
    focusSelection.current = document.activeElement === document.body || focusSelection.current;
    setSelectedId(next?.id ?? null);
  }, [hiddenSelected, rows, selectedId, decisions.hidden, visible]);

  useEffect(() => {
    if (!focusSelection.current || !selectedId) return;
    focusSelection.current = false;
    rowElements.current.get(selectedId)?.focus();
  }, [selectedId]);

  const selectedIndex = visible.findIndex((a) => a.id === selectedId);
  const selected = selectedIndex >= 0 ? visible[selectedIndex] : undefined;
  const move = (step: 1 | -1) => {
    if (visible.length === 0) return;
    const index = selectedIndex < 0 ? 0 : Math.min(visible.length - 1, Math.max(0, selectedIndex + step));
    focusSelection.current = true;
    setSelectedId(visible[index]!.id);
    if (visible[index]!.id === selectedId) rowElements.current.get(selectedId)?.focus();
  };

  const approve = useCallback(
    (action: QueueRow) => {
      // The button's guards: no second vote while one is in flight, and a disabled approve says why.
      if (decisions.busy === action.id) return;
      const blocked = gate(action).blocked;
      if (blocked) return void toast.info(blocked);
      void decisions.approveInline(action);
    },
    [gate, decisions],
  );

  useQueueKeyboard({
    next: () => move(1),
    previous: () => move(-1),
    approve: () => selected && canApprove && approve(selected),
    reject: () => selected && canReject && void decisions.rejectInline(selected),
    open: () => selected && router.push(`/actions/${selected.id}`),
    help: () => setHelpOpen(true),
  });

  const toggleDetails = (id: string) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Card
      title={
        <>
          Pending approvals{" "}
          {total !== undefined && (
            <span
              data-testid="pending-count"
              className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700 tabular-nums"
            >
              {total.toLocaleString("en-US")}
            </span>
          )}
        </>
      }
      actions={
        <button
          type="button"
          onClick={() => setHelpOpen(true)}
          className="rounded px-1.5 text-xs text-slate-500 hover:bg-slate-100 hover:text-slate-800 focus-visible:ring-2 focus-visible:ring-blue-600/50 focus-visible:outline-none"
        >
          Keyboard shortcuts <kbd className="font-mono">?</kbd>
        </button>
      }
      headingId="pending-title"
    >
      <QueryState
        query={queue}
        loadingLabel="Loading pending approvals…"
        isEmpty={(page) => page.total === 0 && page.rows.length === 0}
        empty={<EmptyState title="No actions are waiting for approval." />}
      >
        {(page) => (
          <>
            <div
              role="grid"
              aria-labelledby="pending-title"
              aria-rowcount={page.total}
              data-testid="pending-queue"
              // Bounded to the screen: a full page scrolls inside the card, never the page (j/k focus scrolls with it).
              className="max-h-[min(70vh,44rem)] space-y-1 overflow-y-auto p-0.5"
            >
              {page.rows.map((action, i) => (
                <PendingApprovalRow
                  key={action.id}
                  action={action}
                  hidden={decisions.hidden.has(action.id)}
                  selected={action.id === selectedId}
                  tabbable={selected ? action.id === selectedId : i === 0}
                  onSelect={() => setSelectedId(action.id)}
                  rowRef={(el) => {
                    if (el) rowElements.current.set(action.id, el);
                    else rowElements.current.delete(action.id);
                  }}
                  expanded={expanded.has(action.id)}
                  onToggleDetails={() => toggleDetails(action.id)}
                  requester={nameOf(action.performedBy)}
                  nameOf={nameOf}
                  now={now}
                  approval={gate(action)}
                  changes={changes.changesOf(action)}
                  busy={decisions.busy === action.id}
                  liveViolations={decisions.violationsById[action.id]?.violations ?? action.approvalContext?.violations}
                  needsOverride={decisions.knownViolations(action).length > 0}
                  onApprove={canApprove ? () => approve(action) : undefined}
                  onReject={canReject ? () => decisions.rejectInline(action) : undefined}
                />
              ))}
            </div>
            <QueuePager
              offset={page.offset}
              shown={page.rows.length}
              total={page.total}
              pageSize={PENDING_QUEUE_PAGE_SIZE}
              onOffset={(next) => {
                setSelectedId(null);
                setOffset(next);
              }}
            />
          </>
        )}
      </QueryState>
      {helpOpen && <ShortcutsDialog open onOpenChange={setHelpOpen} />}
      <ApproveDialog
        open={decisions.prompt !== null}
        onOpenChange={(open) => !open && decisions.closePrompt()}
        action={decisions.prompt?.action ?? null}
        violations={decisions.prompt?.violations ?? []}
        detail={decisions.prompt?.detail}
        changes={decisions.prompt ? changes.changesOf(decisions.prompt.action) : undefined}
        busy={decisions.overrideBusy}
        error={decisions.promptError}
        onSubmit={decisions.submitOverride}
      />
    </Card>
  );
}
