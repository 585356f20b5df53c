import { parseActionParameters } from "@/lib/action-catalog";

/**
 * Why the catalog cannot execute a suggestion as it stands (docs/behaviour.md#operator-ui): the
 * unknown action type, or each parameter that is missing, unknown or out of its rules, named —
 * `replicas: replicas must be between 0 and 1000`. Undefined when it maps.
 */
export function unmappableReason(suggestion: { actionType: string; parameters?: unknown }): string | undefined {
  const parsed = parseActionParameters(suggestion.actionType.trim(), suggestion.parameters ?? {});
  if (parsed.ok) return undefined;
  return parsed.issues
    .map((issue) => {
      const field = issue.path.map(String).join(".");
      return field && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

/**
 * The rules a policy verdict matched, from its detail sentence (`… Policy match: organization
 * deniedActionTypes includes restart-service.` → `organization deniedActionTypes includes
 * restart-service`); undefined when none matched.
 */
export function matchedRules(detail: string): string | undefined {
  const marker = "Policy match: ";
  const at = detail.lastIndexOf(marker);
  if (at === -1) return undefined;
  return detail.slice(at + marker.length).replace(/\.$/, "");
}
