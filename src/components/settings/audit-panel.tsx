"use client";
import { Button, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { ShortHash } from "@/components/ui/short-hash";
import { ErrorState } from "@/components/ui/states";
import { toast } from "@/components/ui/toast";
import { trpc } from "@/lib/trpc";

// docs/audit.md: the export streams from the REST adapter (the session cookie authenticates it,
// like the CSV exports); the keys are public. The file names are the ones the command uses.
const EXPORT_HREF = "/remediation/audit/export";
const KEYS_HREF = "/.well-known/remediation-audit-keys";
const KEYS_FILE = "remediation-audit-keys.json";
const CHECKPOINT_FILE = "audit-checkpoint.json";
const VERIFY_COMMAND = `npm run audit:verify -- remediation-audit.ndjson --keys ${KEYS_FILE} --checkpoint ${CHECKPOINT_FILE}`;

async function copy(text: string, what: string) {
  try {
    await navigator.clipboard.writeText(text);
    toast.success(`${what} copied to the clipboard`);
  } catch {
    toast.error(`Copy failed: select the ${what.toLowerCase()} and copy it by hand`);
  }
}

/**
 * The organization's signed audit head and what an auditor needs to check an export offline. The
 * head grows as events are sealed, so it is re-read (and re-signed) every 10 s; every row keeps
 * its place while loading so nothing moves when it arrives.
 */
export function AuditPanel() {
  const checkpoint = trpc.audit.checkpoint.useQuery(undefined, { refetchInterval: 10_000 });
  const head = checkpoint.data;
  const json = head ? `${JSON.stringify(head, null, 2)}\n` : undefined;
  const pending = <span className="text-slate-400">…</span>;

  return (
    <Card title="Audit chain" headingId="audit-title">
      <p className="text-sm text-slate-600">
        Each event is chained to the one before it by its hash and the chain's head is signed, so an export that
        verifies against a checkpoint proves that every event up to it is present, unaltered and in order — nothing
        edited, removed, inserted or reordered since.
      </p>

      <h3 className="mt-4 text-sm font-medium text-slate-800">Latest signed checkpoint</h3>
      {checkpoint.error && (
        <div className="mt-2">
          <ErrorState error={checkpoint.error} onRetry={() => checkpoint.refetch()} />
        </div>
      )}
      <dl
        data-testid="audit-checkpoint"
        aria-busy={head ? undefined : true}
        className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm"
      >
        <dt className="text-slate-500">Head seq</dt>
        <dd data-testid="checkpoint-seq" className="font-mono tabular-nums">
          {head ? head.seq : pending}
        </dd>
        <dt className="text-slate-500">Head hash</dt>
        <dd>{head ? <ShortHash value={head.hash} testId="checkpoint-hash" /> : pending}</dd>
        <dt className="text-slate-500">Issued at</dt>
        <dd data-testid="checkpoint-issued-at">{head ? formatDateTime(head.issuedAt) : pending}</dd>
        <dt className="text-slate-500">Signing key (kid)</dt>
        <dd>{head ? <ShortHash value={head.kid} testId="checkpoint-kid" /> : pending}</dd>
      </dl>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" disabled={!json} onClick={() => json && copy(json, "Checkpoint JSON")}>
          Copy checkpoint JSON
        </Button>
        {/* A data URL saves exactly the checkpoint shown; without one yet the link has no href (inert). */}
        <a
          href={json ? `data:application/json;charset=utf-8,${encodeURIComponent(json)}` : undefined}
          download={CHECKPOINT_FILE}
          className={buttonClass("ghost", "sm", json ? "" : "pointer-events-none opacity-50")}
        >
          Download checkpoint
        </a>
      </div>

      <h3 className="mt-5 text-sm font-medium text-slate-800">Verify offline</h3>
      <div className="mt-2 flex flex-wrap gap-2">
        <a href={EXPORT_HREF} download className={buttonClass("primary", "sm")}>
          Download verifiable export
        </a>
        <a href={KEYS_HREF} download={KEYS_FILE} className={buttonClass("secondary", "sm")}>
          Download public keys
        </a>
      </div>
      <p className="mt-3 text-xs text-slate-600">
        Run the command in the folder holding the downloads (from elsewhere, add{" "}
        <code className="font-mono">--prefix &lt;checkout&gt;</code> after <code className="font-mono">npm</code>); it
        needs no database or network. Leave out <code className="font-mono">--checkpoint</code> to check the export on
        its own.
      </p>
      <div className="mt-1 flex items-start gap-2">
        <pre
          data-testid="verify-command"
          className="min-w-0 flex-1 whitespace-pre-wrap break-words rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100"
        >
          <code>{VERIFY_COMMAND}</code>
        </pre>
        <Button size="sm" onClick={() => copy(VERIFY_COMMAND, "Verify command")}>
          Copy command
        </Button>
      </div>
    </Card>
  );
}
