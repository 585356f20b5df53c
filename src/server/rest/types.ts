import type { z } from "zod";
import type { CsvRow } from "@/server/csv";
import type { ProcedureOutput, ProcedurePath } from "@/server/root";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

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

/**
 * Error statuses OpenAPI cannot derive from a route's shape (401 and 403 always apply; 400 when
 * there is a query, a body or a header to validate; 413 with a body; 404 with a path id). `true`
 * (or a description) adds one, `false` drops a derived one that cannot happen.
 */
export type RouteErrors = Partial<Record<400 | 403 | 404 | 409 | 422, boolean | string>>;

/** An HTTP header a route reads or answers with (documentation only). */
export interface HeaderDoc {
  name: string;
  description: string;
  /** JSON Schema of the value. */
  schema: Record<string, unknown>;
}

interface RouteRow<P extends ProcedurePath> {
  method: HttpMethod;
  /** Contract path with `:param` segments, e.g. `/remediation/:id/approve`. */
  path: string;
  /** Dotted procedure path in the app router, e.g. `remediation.approve` (a typo fails tsc). */
  procedure: P;
  summary: string;
  /** Builds the procedure input from the HTTP request (default: the query for GET, else the body). */
  input?: (parts: RestRequestParts) => unknown;
  /** CSV download: the procedure returns `AsyncIterable<CsvRow>` (or COPY bytes) streamed with these columns. */
  csv?: { filename: string; columns: readonly string[] };
  /** NDJSON download: the procedure returns the bytes (a Readable) streamed as application/x-ndjson. */
  ndjson?: { filename: string; description: string };
  /** Documentation only: the success status when it is not 200. */
  successStatus?: number;
  /** Documentation only: body schema when it differs from the procedure input. */
  body?: z.ZodType;
  /** Documentation only: error statuses beyond the derived ones. */
  errors?: RouteErrors;
  /** Documentation only: headers read from the request and set on the success response. */
  headers?: { request?: readonly HeaderDoc[]; response?: readonly HeaderDoc[] };
}

/**
 * The HTTP body is the procedure output (its `.output()` schema is what OpenAPI documents), or
 * `respond` reshapes it and `response` documents the reshaped body: the two come together.
 */
type RouteResponse<P extends ProcedurePath> =
  | { respond?: undefined; response?: undefined }
  | {
      /** Maps the procedure result to HTTP (default: 200 with the result as JSON). */
      respond: (result: ProcedureOutput<P>) => RestResult;
      /** Documentation only (OpenAPI): the success body `respond` produces. */
      response: z.ZodType;
    };

/** One REST entry: (method, path) → a tRPC procedure, plus how HTTP maps in and out. */
export type RestRoute = { [P in ProcedurePath]: RouteRow<P> & RouteResponse<P> }[ProcedurePath];

export type CsvRows = AsyncIterable<CsvRow>;
