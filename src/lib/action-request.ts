import { z } from "zod";
import { ACTION_PARAMETER_SCHEMAS, actionTypeSchema } from "@/lib/action-catalog";
import { environmentSchema, severitySchema, storableJson, storableString } from "@/lib/schemas";

/** Ids in a body or query: malformed → 400 (docs/behaviour.md#precise-details). Any 8-4-4-4-12 hex, like the uuid column. */
export const uuidField = (field: string) => z.guid({ message: `${field} must be a UUID` });

/**
 * POST /remediation/request and POST /remediation/policy/evaluate. Parameters are validated by
 * the catalog schema of `actionType` (issues at `parameters.<field>`); `serviceName` defaults to
 * `parameters.service`, else null (docs/behaviour.md#precise-details).
 */
export const actionRequestInput = z
  .strictObject({
    incidentId: uuidField("incidentId"),
    actionType: actionTypeSchema,
    // Checked as a whole first (keys and nested values, whatever the action type), then by the catalog.
    parameters: storableJson(z.record(z.string(), z.unknown(), { error: "parameters must be an object" })),
    serviceName: storableString().trim().min(1, "serviceName must not be empty").max(200).nullable().optional(),
    environment: environmentSchema,
    severity: severitySchema,
  })
  .transform((body, ctx) => {
    const parsed = ACTION_PARAMETER_SCHEMAS[body.actionType].safeParse(body.parameters);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.issues.push({ code: "custom", path: ["parameters", ...issue.path], message: issue.message, input: body });
      }
      return z.NEVER;
    }
    const parameters = parsed.data as Record<string, unknown>;
    const service = typeof parameters.service === "string" ? parameters.service : null;
    return { ...body, incidentId: body.incidentId.toLowerCase(), parameters, serviceName: body.serviceName ?? service };
  });
export type ActionRequest = z.output<typeof actionRequestInput>;

/** Unfinished actions on one service the execute dialog lists; the read returns one more to say "more than". */
export const SERVICE_CONFLICTS_LIMIT = 10;
