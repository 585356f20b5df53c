import type { ApprovalContext } from "./types";

/**
 * What changed between the approval context an operator was shown and the current one, in
 * sentences for the card (docs/behaviour.md#approval-context). The version is opaque; its basis
 * (policy version, incident status and severity) and the violations say why it moved.
 */
export function describeContextChange(before: ApprovalContext, after: ApprovalContext): string[] {
  if (before.version === after.version) return [];
  const lines: string[] = [];
  if (before.basis.policyVersion !== after.basis.policyVersion) lines.push("The policy changed.");
  const incident = [
    before.basis.incidentSeverity !== after.basis.incidentSeverity &&
      `severity ${before.basis.incidentSeverity} → ${after.basis.incidentSeverity}`,
    before.basis.incidentStatus !== after.basis.incidentStatus &&
      `status ${before.basis.incidentStatus} → ${after.basis.incidentStatus}`,
  ].filter((part): part is string => typeof part === "string");
  if (incident.length > 0) lines.push(`The incident changed (${incident.join(", ")}).`);
  if (!sameList(before.violations, after.violations)) {
    lines.push(
      after.violations.length > 0
        ? `Guardrails changed: ${after.violations.join(" ")}`
        : "Guardrails changed: no guardrail objects any more.",
    );
  }
  if (lines.length === 0) lines.push("What this approval is about changed.");
  return lines;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((v) => set.has(v));
}
