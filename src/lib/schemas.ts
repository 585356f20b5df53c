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

// ── What PostgreSQL can store (docs/behaviour.md#storable-text) ──────────────────────────────
// `text` cannot hold NUL (U+0000), `jsonb` cannot hold `\u0000` either, and an unpaired UTF-16
// surrogate is not Unicode at all: `jsonb` refuses it and the driver would turn it into U+FFFD
// in `text` (so two different strings would be stored as the same one). Every client string that
// may reach the database goes through `storableString` or `storableJson`: a 400 with an issue
// path instead of a 500 from the database.

export const UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";

/**
 * How deep a client's JSON (`parameters`) may nest. Far more than any real use; a body can carry
 * 20,000 levels, which overflow JSON.stringify's stack (~5,000) and PostgreSQL's (a 500 either way).
 */
export const MAX_JSON_DEPTH = 32;

const SURROGATE = /[\uD800-\uDFFF]/;

/** True when PostgreSQL `text` and `jsonb` hold `value` exactly: no NUL, no unpaired surrogate. */
export function isStorableText(value: string): boolean {
  if (value.includes("\u0000")) return false;
  if (!SURROGATE.test(value)) return true;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0xd800 || code > 0xdfff) continue;
    const next = value.charCodeAt(i + 1);
    // A high surrogate followed by a low one is a pair (one character beyond U+FFFF).
    if (code > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) return false;
    i++;
  }
  return true;
}

/** `z.string(params)` that refuses what PostgreSQL cannot store (chain `.trim()`, `.max()`… as usual). */
export const storableString = (params?: Parameters<typeof z.string>[0]) =>
  z.string(params).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);

interface JsonIssue {
  path: PropertyKey[];
  message: string;
}

const NOT_JSON_MESSAGE = "must be JSON: strings, finite numbers, booleans, null, arrays and objects";
const MAX_JSON_ISSUES = 10;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Everything in a JSON value that `jsonb` cannot hold: strings and keys, non-JSON values, depth. */
export function unstorableJsonIssues(value: unknown): JsonIssue[] {
  const issues: JsonIssue[] = [];
  const visit = (node: unknown, path: PropertyKey[], depth: number): void => {
    if (issues.length >= MAX_JSON_ISSUES) return;
    if (node === null || node === undefined || typeof node === "boolean") return;
    if (typeof node === "string") {
      if (!isStorableText(node)) issues.push({ path, message: UNSTORABLE_TEXT_MESSAGE });
      return;
    }
    if (typeof node === "number") {
      if (!Number.isFinite(node)) issues.push({ path, message: NOT_JSON_MESSAGE });
      return;
    }
    if (typeof node !== "object" || !(Array.isArray(node) || isPlainObject(node))) {
      issues.push({ path, message: NOT_JSON_MESSAGE });
      return;
    }
    if (depth >= MAX_JSON_DEPTH) {
      issues.push({ path, message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` });
      return;
    }
    if (Array.isArray(node)) {
      for (const [index, item] of node.entries()) visit(item, [...path, index], depth + 1);
      return;
    }
    for (const [key, item] of Object.entries(node)) {
      // A key PostgreSQL cannot hold: the issue names it (JSON-escaped in the error body).
      if (!isStorableText(key)) issues.push({ path: [...path, key], message: UNSTORABLE_TEXT_MESSAGE });
      else visit(item, [...path, key], depth + 1);
    }
  };
  visit(value, [], 0);
  return issues.slice(0, MAX_JSON_ISSUES);
}

/** `schema` (a record, `z.unknown()`…) whose value must also be JSON that `jsonb` can hold. */
export const storableJson = <T extends z.ZodType>(schema: T) =>
  schema.superRefine((value, ctx) => {
    for (const issue of unstorableJsonIssues(value)) ctx.addIssue({ code: "custom", input: value, ...issue });
  });

/** Free-text reason: absent, empty or whitespace-only means "no reason" (docs/behaviour.md#precise-details). */
export const reasonSchema = storableString()
  .max(1000, "reason must be at most 1000 characters")
  .optional()
  .nullable()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

/** Query strings send `?status=` for "no filter": an empty value is an absent one. */
export const queryField = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema);
