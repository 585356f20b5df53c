"use client";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState, QueryState } from "@/components/ui/states";
import { trpc } from "@/lib/trpc";

/** The local email outbox: what the embedded adapter "sent" (docs/behaviour.md#reporting). */
export function OutboxViewer() {
  const outbox = trpc.reporting.outbox.useQuery({ limit: 50 }, { refetchInterval: 10_000 });
  return (
    <Card title="Local email outbox" headingId="outbox-title">
      <p className="mb-3 text-sm text-slate-600">
        Used when neither Resend nor SMTP is configured: every report email is recorded here instead of being sent.
      </p>
      <QueryState
        query={outbox}
        loadingLabel="Loading outbox…"
        isEmpty={(rows) => rows.length === 0}
        empty={<EmptyState title="The outbox is empty." />}
      >
        {(rows) => (
          <ul aria-label="Outbox emails" className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {rows.map((email) => (
              <li key={email.id} data-testid="outbox-email" className="p-3">
                <details>
                  <summary className="cursor-pointer list-none">
                    <span className="block text-sm font-medium text-slate-900">{email.subject}</span>
                    <span className="block text-xs text-slate-500">
                      To <span data-testid="outbox-to">{email.to}</span> · from {email.from} ·{" "}
                      {formatDateTime(email.createdAt)}
                      {email.attachments.length > 0 &&
                        ` · ${email.attachments.map((a) => `${a.filename} (${Math.ceil(a.bytes / 1024)} KiB)`).join(", ")}`}
                    </span>
                  </summary>
                  <pre className="mt-2 max-h-80 overflow-auto rounded bg-slate-50 p-3 text-xs whitespace-pre-wrap">
                    {email.text}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}
