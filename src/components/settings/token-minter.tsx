"use client";
import { useState } from "react";
import { toast } from "sonner";
import { useShellUser } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Field, inputClass } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { PERMISSIONS } from "@/lib/permissions";
import { trpc } from "@/lib/trpc";
import { messageOf } from "./server-issues";

const LIFETIMES = [
  { label: "1 hour", seconds: 3_600 },
  { label: "24 hours", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
];

/** Admins mint API bearer tokens with a subset of their own permissions; the token is shown once. */
export function TokenMinter() {
  const user = useShellUser();
  const own = PERMISSIONS.filter((p) => user.permissions.includes(p));
  const [chosen, setChosen] = useState<string[]>(["remediation:view"]);
  const [ttlSeconds, setTtlSeconds] = useState(3_600);
  const mint = trpc.ui.mintToken.useMutation();
  const [minted, setMinted] = useState<{ token: string; expiresAt: Date; permissions: string[] }>();

  async function submit() {
    try {
      setMinted(await mint.mutateAsync({ permissions: chosen as (typeof PERMISSIONS)[number][], ttlSeconds }));
    } catch (error) {
      toast.error("Could not mint a token", { description: messageOf(error) });
    }
  }

  async function copy(token: string) {
    try {
      await navigator.clipboard.writeText(token);
      toast.success("Token copied to the clipboard");
    } catch {
      toast.error("Copy failed: select the token and copy it by hand");
    }
  }

  return (
    <Card title="API tokens" headingId="tokens-title">
      <p className="text-sm text-slate-600">
        Bearer tokens act as you ({user.email ?? user.userId}) in{" "}
        <span className="font-mono">{user.organizationId}</span>, with the permissions you choose (at most your own).
      </p>
      <div className="mt-3 grid gap-4 sm:grid-cols-2">
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Permissions</legend>
          {own.map((p) => (
            <label key={p} className="mt-1 flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4"
                checked={chosen.includes(p)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, p] : chosen.filter((c) => c !== p))}
              />
              <span className="font-mono text-xs">{p}</span>
            </label>
          ))}
        </fieldset>
        <Field id="token-ttl" label="Lifetime">
          <select
            id="token-ttl"
            className={inputClass}
            value={ttlSeconds}
            onChange={(e) => setTtlSeconds(Number(e.target.value))}
          >
            {LIFETIMES.map((l) => (
              <option key={l.seconds} value={l.seconds}>
                {l.label}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Button className="mt-3" variant="primary" onClick={submit} busy={mint.isPending} disabled={chosen.length === 0}>
        Mint token
      </Button>
      {minted && (
        <div data-testid="minted-token" className="mt-4 space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3">
          <p className="text-sm font-medium text-amber-900">Copy this token now: it will not be shown again.</p>
          <textarea
            aria-label="API token"
            readOnly
            rows={3}
            className={`${inputClass} font-mono text-xs`}
            value={minted.token}
            onFocus={(e) => e.currentTarget.select()}
          />
          <p className="text-xs text-amber-900">
            Expires {formatDateTime(minted.expiresAt)} · {minted.permissions.join(", ")}
          </p>
          <div className="flex gap-2">
            <Button size="sm" onClick={() => copy(minted.token)}>
              Copy token
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setMinted(undefined)}>
              Done
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}
