import type { RecordedPolicy } from "./types";

/**
 * The server's policy verdict for a pending action: guardrail violations (what an approver must
 * override) in red, otherwise the approval rules that put it in the queue. `liveViolations` is
 * the current check (the approval context, or the last POLICY_VIOLATION answer) and wins over
 * the one recorded at request time, also when it found none.
 */
export function PolicyVerdict({
  policy,
  liveViolations,
}: {
  policy: RecordedPolicy;
  liveViolations?: string[] | undefined;
}) {
  const violations = liveViolations ?? policy.violations;
  if (violations.length > 0) {
    return (
      <div
        data-testid="policy-verdict"
        data-verdict="violation"
        className="rounded-md bg-red-50 px-2.5 py-1.5 text-xs text-red-800"
      >
        <p className="font-semibold">Policy violation — override needs a reason</p>
        <ul className="mt-0.5 list-disc pl-4">
          {violations.map((v) => (
            <li key={v}>{v}</li>
          ))}
        </ul>
      </div>
    );
  }
  const reasons = policy.reasons.length > 0 ? policy.reasons : ["Approval required by policy."];
  return (
    <div
      data-testid="policy-verdict"
      data-verdict="approval"
      className="rounded-md bg-amber-50 px-2.5 py-1.5 text-xs text-amber-900"
    >
      <p className="font-semibold">Needs approval</p>
      <ul className="mt-0.5 list-disc pl-4">
        {reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
    </div>
  );
}
