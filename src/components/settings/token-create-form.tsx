"use client";
import { useState } from "react";
import { useShellUser } from "@/components/shell/principal-context";
import { Button } from "@/components/ui/button";
import { Field, inputClass, invalidProps } from "@/components/ui/field";
import { formatDateTime } from "@/components/ui/format";
import { toast } from "@/components/ui/toast";
import { MAX_API_TOKEN_NAME_LENGTH } from "@/lib/api-tokens";
import { PERMISSIONS, type Permission } from "@/lib/permissions";
import { trpc } from "@/lib/trpc";
import { messageOf, serverIssues } from "./server-issues";

const LIFETIMES = [
  { label: "1 hour", seconds: 3_600 },
  { label: "24 hours", seconds: 86_400 },
  { label: "7 days", seconds: 7 * 86_400 },
  { label: "30 days", seconds: 30 * 86_400 },
  { label: "90 days", seconds: 90 * 86_400 },
  { label: "1 year", seconds: 365 * 86_400 },
];

interface Created {
  token: string;
  name: string;
  expiresAt: Date;
  permissions: string[];
}

/**
 * Registers a token (docs/behaviour.md#api-tokens): a name, a subset of the admin's own
 * permissions and a lifetime. The token is revealed once, here; the list refetches the records.
 */
export function TokenCreateForm({ onCreated }: { onCreated: () => void }) {
  const user = useShellUser();
  const own = PERMISSIONS.filter((p) => user.permissions.includes(p));
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<Permission[]>(["remediation:view"]);
  const [ttlSeconds, setTtlSeconds] = useState(30 * 86_400);
  const [issues, setIssues] = useState<Record<string, string>>({});
  const create = trpc.tokens.create.useMutation();
  const [created, setCreated] = useState<Created>();

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setIssues({});
    try {
      const result = await create.mutateAsync({ name, permissions: chosen, ttlSeconds });
      setCreated(result);
      setName("");
      toast.success(`Token "${result.name}" created`);
    } catch (error) {
      const found = serverIssues(error);
      setIssues(Object.fromEntries(found.map((i) => [i.path.split(".")[0] ?? "", i.message])));
      toast.error("Could not create the token", { description: found[0]?.message ?? messageOf(error) });
    } finally {
      onCreated();
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
    <div>
      <form aria-label="New API token" onSubmit={submit} className="grid gap-4 sm:grid-cols-3">
        <Field id="token-name" label="Name" error={issues.name} hint="What uses it, e.g. “CI deploy bot”">
          <input
            id="token-name"
            className={inputClass}
            value={name}
            maxLength={MAX_API_TOKEN_NAME_LENGTH}
            onChange={(e) => setName(e.target.value)}
            {...invalidProps("token-name", issues.name)}
          />
        </Field>
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
          {issues.permissions && (
            <p role="alert" className="mt-1 text-xs text-red-700">
              {issues.permissions}
            </p>
          )}
        </fieldset>
        <Field id="token-ttl" label="Lifetime" error={issues.ttlSeconds}>
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
        <div className="sm:col-span-3">
          <Button
            type="submit"
            variant="primary"
            busy={create.isPending}
            disabled={chosen.length === 0 || !name.trim()}
          >
            Create token
          </Button>
        </div>
      </form>
      {created && (
        <div data-testid="created-token" className="mt-4 space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3">
          <p className="text-sm font-medium text-amber-900">
            Copy the token “{created.name}” now: it will not be shown again.
          </p>
          <textarea
            aria-label="API token"
            readOnly
            rows={3}
            className={`${inputClass} font-mono text-xs`}
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
          />
          <p className="text-xs text-amber-900">
            Expires {formatDateTime(created.expiresAt)} · {created.permissions.join(", ")}
          </p>
          <div className="flex gap-2">
            <Button size="sm" onClick={() => copy(created.token)}>
              Copy token
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setCreated(undefined)}>
              Done
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
