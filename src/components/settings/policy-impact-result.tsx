"use client";
import Link from "next/link";
import { Badge, SeverityBadge } from "@/components/ui/badge";
import { formatDateTime, formatNumber } from "@/components/ui/format";
import { Table, Td, Th } from "@/components/ui/table";
import type { Severity } from "@/lib/schemas";
import type { RouterOutputs } from "@/lib/trpc";

type Simulation = RouterOutputs["policy"]["simulate"];
type Outcome = keyof Simulation["before"];
type Sample = Simulation["samples"][number];

const OUTCOMES: Outcome[] = ["QUEUED", "PENDING_APPROVAL", "BLOCKED"];
const OUTCOME_TONE = { QUEUED: "green", PENDING_APPROVAL: "amber", BLOCKED: "red" } as const;

/** A sample's action on its own page. */
function SampleLink({ sample }: { sample: Sample }) {
  return (
    <Link
      href={`/actions/${sample.actionId}`}
      aria-label={`Open action ${sample.actionId}`}
      className="text-blue-700 hover:underline"
    >
      Open
    </Link>
  );
}

/** `BEFORE → AFTER` as two coloured outcome badges. */
export function Outcomes({ before, after }: { before: Outcome; after: Outcome }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1 whitespace-nowrap">
      <Badge tone={OUTCOME_TONE[before]}>{before}</Badge>→<Badge tone={OUTCOME_TONE[after]}>{after}</Badge>
    </span>
  );
}

/** One simulation: totals per outcome before → after, the transitions, and the changed requests. */
export function SimulationResult({ data }: { data: Simulation }) {
  const transitions = Object.entries(data.transitions).sort(([, a], [, b]) => b - a);
  return (
    <div className="space-y-3">
      <p data-testid="impact-changed" data-changed={data.changed} className="text-sm text-slate-800">
        {data.evaluated === 0 ? (
          "No requests in this window: nothing to compare."
        ) : (
          <>
            <strong>{data.changed}</strong> of {data.evaluated} request{data.evaluated === 1 ? "" : "s"} would have been
            decided differently.
          </>
        )}
      </p>
      <dl aria-label="Totals per outcome" className="grid gap-2 sm:grid-cols-3">
        {OUTCOMES.map((o) => (
          <div key={o} data-testid="impact-total" data-outcome={o} className="rounded-md border border-slate-200 p-2">
            <dt>
              <Badge tone={OUTCOME_TONE[o]}>{o}</Badge>
            </dt>
            <dd className="mt-1 text-sm tabular-nums">
              {data.before[o]} → <strong>{data.after[o]}</strong>
            </dd>
          </div>
        ))}
      </dl>
      {transitions.length > 0 && (
        <ul aria-label="Transitions" className="space-y-1 text-sm">
          {transitions.map(([key, count]) => {
            const [before, after] = key.split("->") as [Outcome, Outcome];
            return (
              <li key={key} data-testid="impact-transition" data-transition={key} className="flex items-center gap-2">
                <Outcomes before={before} after={after} />
                <span className="tabular-nums">{formatNumber(count)}</span>
              </li>
            );
          })}
        </ul>
      )}
      {data.samples.length > 0 && (
        <>
          <Table label="Requests that would change">
            <thead>
              <tr>
                <Th>Time</Th>
                <Th>Action type</Th>
                <Th>Environment</Th>
                <Th>Severity</Th>
                <Th>Before → after</Th>
                <Th>Reasons</Th>
                <Th>
                  <span className="sr-only">Action</span>
                </Th>
              </tr>
            </thead>
            <tbody>
              {data.samples.map((s) => (
                <tr key={s.actionId} data-testid="impact-sample" data-action-id={s.actionId}>
                  <Td className="whitespace-nowrap text-xs">{formatDateTime(s.createdAt)}</Td>
                  <Td className="font-mono text-xs">{s.actionType}</Td>
                  <Td className="font-mono text-xs">{s.environment}</Td>
                  <Td>
                    <SeverityBadge severity={s.severity as Severity} />
                  </Td>
                  <Td>
                    <Outcomes before={s.before} after={s.after} />
                  </Td>
                  <Td className="text-xs text-slate-700">{s.reasons.join(" ")}</Td>
                  <Td>
                    <SampleLink sample={s} />
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
          {data.changed > data.samples.length && (
            <p className="text-xs text-slate-500">
              Showing the newest {data.samples.length} of {formatNumber(data.changed)} changed requests.
            </p>
          )}
        </>
      )}
    </div>
  );
}
