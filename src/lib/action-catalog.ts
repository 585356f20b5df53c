import { z } from "zod";
import { storableString } from "@/lib/schemas";

/**
 * The action catalog (docs/behaviour.md#action-catalog): every executable action type and the zod
 * schema of its parameters. Isomorphic on purpose (zod only): the server validates requests and
 * policies with it, the UI maps diagnosis suggestions through it before offering "Execute".
 *
 * Parameter objects are strict (unknown keys → 400, like unknown body keys, §4), with one
 * deliberate extra on every type: `simulate`, a free string the simulated executor reads
 * (`parameters.simulate == "fail"` → `Simulated failure`, §8). It is allowed everywhere so demo
 * and test requests can drive the failure path of any action type; the webhook executor simply
 * forwards it.
 */

const name = (field: string) =>
  storableString({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} is required`)
    .max(200, `${field} must be at most 200 characters`);

const simulate = storableString().max(100).optional();

export const ACTION_PARAMETER_SCHEMAS = {
  "restart-service": z.strictObject({ service: name("service"), simulate }),
  "scale-service": z.strictObject({
    service: name("service"),
    replicas: z
      .number({ error: "replicas must be a number" })
      .int("replicas must be an integer")
      .min(0, "replicas must be between 0 and 1000")
      .max(1000, "replicas must be between 0 and 1000"),
    simulate,
  }),
  "rollback-deployment": z.strictObject({
    service: name("service"),
    toRevision: storableString({ error: "toRevision must be a string" }).trim().min(1).max(200).optional(),
    simulate,
  }),
  "clear-cache": z.strictObject({
    service: name("service"),
    cacheKey: storableString({ error: "cacheKey must be a string" }).min(1).max(500).optional(),
    simulate,
  }),
  "toggle-feature-flag": z.strictObject({
    flag: name("flag"),
    enabled: z.boolean({ error: "enabled must be a boolean" }),
    simulate,
  }),
  "run-runbook": z.strictObject({
    runbook: name("runbook"),
    args: z
      .record(
        storableString(),
        z.union([storableString(), z.number(), z.boolean()], {
          error: "args values must be strings, numbers or booleans",
        }),
        { error: "args must be an object of string, number or boolean values" },
      )
      .optional(),
    simulate,
  }),
} as const;

export type ActionType = keyof typeof ACTION_PARAMETER_SCHEMAS;

export const ACTION_TYPES = Object.keys(ACTION_PARAMETER_SCHEMAS) as [ActionType, ...ActionType[]];

export const actionTypeSchema = z.enum(ACTION_TYPES, {
  error: (issue) => `Unknown action type: ${String(issue.input)}. Known types: ${ACTION_TYPES.join(", ")}`,
});

function isActionType(value: unknown): value is ActionType {
  return typeof value === "string" && Object.hasOwn(ACTION_PARAMETER_SCHEMAS, value);
}

export interface ParameterIssue {
  /** Path inside `parameters` (prefix it with "parameters" when reporting a request body). */
  path: PropertyKey[];
  message: string;
}

export type ParsedParameters =
  | { ok: true; actionType: ActionType; parameters: Record<string, unknown> }
  | { ok: false; issues: ParameterIssue[] };

/** Validates `parameters` against the schema of `actionType` (an unknown type is an issue too). */
export function parseActionParameters(actionType: string, parameters: unknown): ParsedParameters {
  if (!isActionType(actionType)) {
    return { ok: false, issues: [{ path: [], message: `Unknown action type: ${actionType}` }] };
  }
  const result = ACTION_PARAMETER_SCHEMAS[actionType].safeParse(parameters ?? {});
  if (!result.success) {
    return { ok: false, issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })) };
  }
  return { ok: true, actionType, parameters: result.data as Record<string, unknown> };
}

/** The message the UI shows when a suggestion cannot become a request (docs/behaviour.md#ui). */
export const UNMAPPABLE_SUGGESTION_MESSAGE = "Unable to map suggested action to executable remediation.";

/**
 * A diagnosis suggestion → the `actionType` + `parameters` of a remediation request, or
 * `undefined` when the catalog cannot execute it (unknown type or parameters out of their rules).
 */
export function mapSuggestionToAction(suggestion: {
  actionType: string;
  parameters?: unknown;
}): { actionType: ActionType; parameters: Record<string, unknown> } | undefined {
  const parsed = parseActionParameters(suggestion.actionType.trim(), suggestion.parameters ?? {});
  return parsed.ok ? { actionType: parsed.actionType, parameters: parsed.parameters } : undefined;
}
