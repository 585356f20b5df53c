"use client";
import { useMemberNames } from "@/components/remediation/use-members";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import type { RouterOutputs } from "@/lib/trpc";
import { fieldLabel } from "./policy-diff";
import type { PolicyFormValues } from "./policy-form";
import { PolicyChanges } from "./policy-versions";

type VersionedPolicy = RouterOutputs["policy"]["get"];

const labelOf = (key: keyof PolicyFormValues) =>
  fieldLabel(key === "pendingApprovalNeverExpires" ? "pendingApprovalTtlMinutes" : key);

/**
 * Someone published a newer version while this draft was being edited (seen on a refetch or after
 * a 409). Nothing is replaced silently: the operator sees what they changed and picks.
 */
export function PolicyNewerVersion({
  base,
  newer,
  conflict,
  overlap,
  onReapply,
  onDiscard,
}: {
  base: VersionedPolicy;
  newer: VersionedPolicy;
  /** The server's 409 message when a save found out. */
  conflict: string | undefined;
  /** Inputs both the draft and the newer version changed. */
  overlap: (keyof PolicyFormValues)[];
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const nameOf = useMemberNames();
  const overlapping = [...new Set(overlap.map(labelOf))];
  return (
    <div
      role="alert"
      data-testid="policy-newer-version"
      data-version={newer.version}
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
    >
      {conflict && (
        <p data-testid="policy-conflict" className="font-medium">
          {conflict}
        </p>
      )}
      <p>
        Version {newer.version} was published by {newer.updatedBy ? nameOf(newer.updatedBy) : "someone"} at{" "}
        {formatDateTime(newer.updatedAt)} while you were editing version {base.version}. Your draft is kept; it changed:
      </p>
      <div className="rounded-md bg-white/70 p-2">
        <PolicyChanges from={base} to={newer} />
      </div>
      {overlapping.length > 0 && (
        <p>You changed the same fields: {overlapping.join(", ")}. Re-applying keeps your values there.</p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button size="sm" variant="primary" onClick={onReapply}>
          Re-apply my changes on version {newer.version}
        </Button>
        <Button size="sm" onClick={onDiscard}>
          Discard my draft and load version {newer.version}
        </Button>
      </div>
    </div>
  );
}
