import type { z } from "zod";
import type { CsvRow } from "@/server/csv";

export type HttpMethod = "GET" | "POST" | "PUT";

export interface RestRequestParts {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  headers: Headers;
}

export interface RestResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One REST entry: (method, path) → a tRPC procedure, plus how HTTP maps in and out. */
export interface RestRoute {
  method: HttpMethod;
  /** Contract path with `:param` segments, e.g. `/remediation/:id/approve`. */
  path: string;
  /** Dotted procedure path in the app router, e.g. `remediation.approve`. */
  procedure: string;
  summary: string;
  /** Builds the procedure input from the HTTP request (default: the query for GET, else the body). */
  input?: (parts: RestRequestParts) => unknown;
  /** Maps the procedure result to HTTP (default: 200 with the result as JSON). */
  respond?: (result: never) => RestResult;
  /** CSV download: the procedure returns `AsyncIterable<CsvRow>` streamed with these columns. */
  csv?: { filename: string; columns: readonly string[] };
  /** Documentation only (OpenAPI): the success response body. */
  response?: z.ZodType;
  /** Documentation only: the success status when it is not 200. */
  successStatus?: number;
  /** Documentation only: body schema when it differs from the procedure input. */
  body?: z.ZodType;
}

export type CsvRows = AsyncIterable<CsvRow>;
