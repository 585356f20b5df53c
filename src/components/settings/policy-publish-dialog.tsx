"use client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { Simulation } from "./policy-impact";
import { Outcomes } from "./policy-impact-result";

type Outcome = keyof Simulation["before"];

const requests = (n: number) => `${n} request${n === 1 ? "" : "s"}`;

/**
 * The explicit "Publish anyway" asked before saving a draft that would have decided past requests
 * differently, or whose impact could not be simulated.
 */
export function PolicyPublishDialog({
  check,
  days,
  busy,
  onPublish,
  onCancel,
}: {
  check: { simulation: Simulation } | { error: string } | undefined;
  days: number;
  busy: boolean;
  onPublish: () => void;
  onCancel: () => void;
}) {
  const simulation = check && "simulation" in check ? check.simulation : undefined;
  const description = simulation
    ? `${requests(simulation.changed)} of ${simulation.evaluated} in the last ${days} days would have been decided differently by this policy.`
    : `The impact of this policy could not be simulated${check && "error" in check ? `: ${check.error}` : "."}`;
  return (
    <Dialog
      open={check !== undefined}
      onOpenChange={(open) => {
        if (!open) onCancel();
      }}
      title="Publish this policy?"
      description={description}
      footer={
        <>
          <Button onClick={onCancel}>Keep editing</Button>
          <Button variant="primary" busy={busy} onClick={onPublish}>
            Publish anyway
          </Button>
        </>
      }
    >
      {simulation ? (
        <ul aria-label="Would change" className="space-y-1 text-sm">
          {Object.entries(simulation.transitions).map(([key, count]) => {
            const [before, after] = key.split("->") as [Outcome, Outcome];
            return (
              <li key={key} className="flex flex-wrap items-center gap-1.5">
                <Outcomes before={before} after={after} />
                <span>{requests(count)}</span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="text-sm text-slate-700">Publishing now applies it to every new request without that check.</p>
      )}
    </Dialog>
  );
}
