import { z } from "zod";

/** Shared enums and field schemas (isomorphic: the UI validates with the same rules). */
export const ACTION_STATUSES = ["PENDING_APPROVAL", "QUEUED", "EXECUTING", "COMPLETED", "FAILED", "REJECTED"] as const;
export const actionStatusSchema = z.enum(ACTION_STATUSES);
export type ActionStatus = z.infer<typeof actionStatusSchema>;

export const TERMINAL_STATUSES = ["COMPLETED", "FAILED", "REJECTED"] as const satisfies readonly ActionStatus[];

export const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

export const environmentSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Environment must be a lowercase slug (a-z, 0-9, -), 1–63 characters");

export const incidentStatusSchema = z.enum(["OPEN", "RESOLVED"]);

/** `limit` from a query string or a client: default, 1..max, integers only (docs/behaviour.md#errors). */
export function limitSchema(fallback: number, max: number) {
  return z.coerce
    .number<number | string>({ error: "limit must be a number" })
    .int("limit must be an integer")
    .min(1, "limit must be at least 1")
    .max(max, `limit must be at most ${max}`)
    .default(fallback);
}

/** Free-text reason: absent, empty or whitespace-only means "no reason" (docs/behaviour.md#precise-details). */
export const reasonSchema = z
  .string()
  .max(1000, "reason must be at most 1000 characters")
  .optional()
  .nullable()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

/** Query strings send `?status=` for "no filter": an empty value is an absent one. */
export const queryField = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);
