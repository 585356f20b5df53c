import type { Incident, Suggestion } from "@/components/remediation/types";
import { type ActionType, mapSuggestionToAction } from "@/lib/action-catalog";

export interface RemediationRequestBody {
  incidentId: string;
  actionType: ActionType;
  parameters: Record<string, unknown>;
  serviceName: string;
  environment: string;
  severity: Incident["severity"];
}

/**
 * A diagnosis suggestion → the body of `remediation.request`, or undefined when the action
 * catalog cannot execute it (unknown type or parameters outside their schema). The incident
 * supplies where and how urgent; the service is the one the parameters name, else the incident's.
 *
 * `parameters`: the operator's edit of the suggested ones (checked against the same catalog).
 */
export function suggestionToRequest(
  incident: Incident,
  suggestion: Suggestion,
  parameters: Record<string, unknown> = suggestion.parameters,
): RemediationRequestBody | undefined {
  const mapped = mapSuggestionToAction({ actionType: suggestion.actionType, parameters });
  if (!mapped) return undefined;
  const service = mapped.parameters.service;
  return {
    incidentId: incident.id,
    actionType: mapped.actionType,
    parameters: mapped.parameters,
    serviceName: typeof service === "string" ? service : incident.serviceName,
    environment: incident.environment,
    severity: incident.severity,
  };
}
