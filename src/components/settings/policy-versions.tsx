"use client";
import { useState } from "react";
import { useMemberNames } from "@/components/remediation/use-members";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatDateTime } from "@/components/ui/format";
import { QueryState } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { DEFAULT_POLICY, type Policy } from "@/lib/policy-schema";
import { type RouterOutputs, trpc } from "@/lib/trpc";
import { diffPolicies } from "./policy-diff";

type PolicyVersion = RouterOutputs["policy"]["versions"][number];

const HISTORY_LIMIT = 50;

/** The fields that differ between two policies: lists as added/removed items, scalars as old → new. */
export function PolicyChanges({ from, to }: { from: Policy; to: Policy }) {
  const changes = diffPolicies(from, to);
  if (changes.length === 0) return <p className="text-sm text-slate-500">No field differs.</p>;
  return (
    <dl className="space-y-2 text-sm">
      {changes.map((c) => (
        <div key={c.field} data-testid="policy-diff-field" data-field={c.field}>
          <dt className="font-medium text-slate-700">{c.label}</dt>
          <dd className="mt-0.5">
            {c.kind === "value" ? (
              <span>
                <span className="text-slate-500 line-through">{c.from}</span> → <strong>{c.to}</strong>
              </span>
            ) : (
              <ul className="space-y-0.5 font-mono text-xs">
                {c.added.map((item) => (
                  <li key={`+${item}`} data-change="added" className="text-emerald-800">
                    <span aria-hidden>{"+ "}</span>
                    <span className="sr-only">{"added: "}</span>
                    {item}
                  </li>
                ))}
                {c.removed.map((item) => (
                  <li key={`-${item}`} data-change="removed" className="text-red-800">
                    <span aria-hidden>{"− "}</span>
                    <span className="sr-only">{"removed: "}</span>
                    {item}
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The two versions to compare: both ticked ones (older → newer), or a single ticked one against the
 * version before it (the default, version 0, before version 1).
 */
function comparison(versions: PolicyVersion[], selected: number[]) {
  const byVersion = new Map<number, Policy>(versions.map((v) => [v.version, v.policy]));
  byVersion.set(0, DEFAULT_POLICY);
  const [a, b] = [...selected].sort((x, y) => x - y);
  if (a === undefined) return undefined;
  const [from, to] = b === undefined ? [a - 1, a] : [a, b];
  return { from, to, fromPolicy: byVersion.get(from), toPolicy: byVersion.get(to) };
}

function VersionDiff({ versions, selected }: { versions: PolicyVersion[]; selected: number[] }) {
  const compared = comparison(versions, selected);
  if (!compared) return <p className="text-sm text-slate-500">Tick one or two versions to compare.</p>;
  const { from, to, fromPolicy, toPolicy } = compared;
  return (
    <section aria-labelledby="policy-diff-title" data-testid="policy-diff" data-from={from} data-to={to}>
      <h3 id="policy-diff-title" className="mb-2 text-sm font-semibold text-slate-900">
        Changes from {from === 0 ? "the default (version 0)" : `version ${from}`} to version {to}
      </h3>
      {fromPolicy && toPolicy ? (
        <PolicyChanges from={fromPolicy} to={toPolicy} />
      ) : (
        <p className="text-sm text-slate-500">Version {from} is older than the history shown here.</p>
      )}
    </section>
  );
}

/** Who published which policy version when (docs/behaviour.md#policy-version), and what each changed. */
export function PolicyVersions({ currentVersion }: { currentVersion: number | undefined }) {
  const [open, setOpen] = useState(false);
  // `null` until the operator ticks something: then the newest version (against the one before) is shown.
  const [chosen, setChosen] = useState<number[] | null>(null);
  const versions = trpc.policy.versions.useQuery({ limit: HISTORY_LIMIT }, { enabled: open });
  const nameOf = useMemberNames();

  const toggle = (version: number, selected: number[]) =>
    setChosen(selected.includes(version) ? selected.filter((v) => v !== version) : [...selected, version].slice(-2));

  return (
    <Card
      title="Policy versions"
      headingId="policy-versions-title"
      actions={
        <Button size="sm" aria-expanded={open} aria-controls="policy-versions-body" onClick={() => setOpen(!open)}>
          {open ? "Hide version history" : "Show version history"}
        </Button>
      }
    >
      {!open ? (
        <p className="text-sm text-slate-500">
          {currentVersion ? `The policy is at version ${currentVersion}.` : "The default policy has never been saved."}
        </p>
      ) : (
        <div id="policy-versions-body">
          <QueryState
            query={versions}
            loadingLabel="Loading versions…"
            isEmpty={(rows) => rows.length === 0}
            empty={<p className="text-sm text-slate-500">No saved versions yet: the default policy applies.</p>}
          >
            {(rows) => {
              const selected = chosen ?? rows.slice(0, 1).map((v) => v.version);
              return (
                <div className="space-y-4">
                  <Table label="Policy versions">
                    <thead>
                      <tr>
                        <Th>Compare</Th>
                        <Th>Version</Th>
                        <Th>Saved by</Th>
                        <Th>Saved at</Th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((v) => (
                        <tr
                          key={v.version}
                          data-testid="policy-version"
                          data-version={v.version}
                          aria-current={v.version === currentVersion ? "true" : undefined}
                        >
                          <Td>
                            <input
                              type="checkbox"
                              className="size-4"
                              aria-label={`Compare version ${v.version}`}
                              checked={selected.includes(v.version)}
                              onChange={() => toggle(v.version, selected)}
                            />
                          </Td>
                          <Td className="whitespace-nowrap">
                            <span className="font-mono">v{v.version}</span>{" "}
                            {v.version === currentVersion && <Badge tone="blue">Current</Badge>}
                          </Td>
                          <Td>{nameOf(v.createdBy)}</Td>
                          <Td className="whitespace-nowrap text-xs">{formatDateTime(v.createdAt)}</Td>
                        </tr>
                      ))}
                    </tbody>
                  </Table>
                  {rows.length === HISTORY_LIMIT && (
                    <p className="text-xs text-slate-500">The newest {HISTORY_LIMIT} versions are shown.</p>
                  )}
                  <VersionDiff versions={rows} selected={selected} />
                </div>
              );
            }}
          </QueryState>
        </div>
      )}
    </Card>
  );
}
