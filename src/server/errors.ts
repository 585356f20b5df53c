import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/unstable-core-do-not-import";

/** Application error codes, each with its tRPC code and HTTP status (docs/behaviour.md#errors, docs/behaviour.md#precise-details). */
export const ERROR_TABLE = {
  BAD_REQUEST: { trpc: "BAD_REQUEST", http: 400, name: "Bad Request" },
  UNAUTHORIZED: { trpc: "UNAUTHORIZED", http: 401, name: "Unauthorized" },
  FORBIDDEN: { trpc: "FORBIDDEN", http: 403, name: "Forbidden" },
  NOT_FOUND: { trpc: "NOT_FOUND", http: 404, name: "Not Found" },
  METHOD_NOT_ALLOWED: { trpc: "METHOD_NOT_SUPPORTED", http: 405, name: "Method Not Allowed" },
  REQUEST_TIMEOUT: { trpc: "TIMEOUT", http: 408, name: "Request Timeout" },
  CONFLICT: { trpc: "CONFLICT", http: 409, name: "Conflict" },
  PAYLOAD_TOO_LARGE: { trpc: "PAYLOAD_TOO_LARGE", http: 413, name: "Payload Too Large" },
  POLICY_DENIED: { trpc: "UNPROCESSABLE_CONTENT", http: 422, name: "Unprocessable Entity" },
  // Only the HTTP server answers it (header block over Node's 16 KiB); tRPC has no such code.
  HEADERS_TOO_LARGE: { trpc: "BAD_REQUEST", http: 431, name: "Request Header Fields Too Large" },
  INTERNAL: { trpc: "INTERNAL_SERVER_ERROR", http: 500, name: "Internal Server Error" },
} as const satisfies Record<string, { trpc: TRPC_ERROR_CODE_KEY; http: number; name: string }>;

export type AppErrorCode = keyof typeof ERROR_TABLE;

export interface ValidationIssue {
  path: string;
  message: string;
}

/** Extra fields an error body may carry (§4): validation issues, policy violations. */
export interface AppErrorExtra {
  issues?: ValidationIssue[];
  violations?: string[];
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly extra: AppErrorExtra = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what = "Resource") => new AppError("NOT_FOUND", `${what} not found`);

/** Wrap an AppError as a TRPCError; the formatter in trpc.ts reads it back from `cause`. */
export function toTRPCError(error: AppError): TRPCError {
  return new TRPCError({ code: ERROR_TABLE[error.code].trpc, message: error.message, cause: error });
}

// The first row of a tRPC code wins (BAD_REQUEST → 400, not the server-only 431); tRPC's own
// PARSE_ERROR (a batch body that is not JSON) is a 400 like the REST adapter's.
const HTTP_BY_TRPC: Record<string, AppErrorCode> = {
  ...Object.fromEntries(
    Object.entries(ERROR_TABLE)
      .reverse()
      .map(([code, row]) => [row.trpc, code as AppErrorCode]),
  ),
  PARSE_ERROR: "BAD_REQUEST",
};

/** Any thrown value → the AppError that decides its HTTP response. Unknown errors are INTERNAL. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof TRPCError) {
    if (error.cause instanceof AppError) return error.cause;
    const issues = zodIssues(error.cause);
    if (issues) return new AppError("BAD_REQUEST", "Validation failed", { issues });
    const code = HTTP_BY_TRPC[error.code];
    if (code && code !== "INTERNAL") return new AppError(code, error.message);
  }
  return new AppError("INTERNAL", "Internal server error");
}

/** zod issues → `{ path: "parameters.replicas", message }` (docs/behaviour.md#issue-paths: dotted, indexes kept). */
export function zodIssues(cause: unknown): ValidationIssue[] | undefined {
  if (!cause || typeof cause !== "object" || !Array.isArray((cause as { issues?: unknown }).issues)) {
    return undefined;
  }
  return (cause as { issues: { path: PropertyKey[]; message: string }[] }).issues.map((i) => ({
    path: i.path.map(String).join("."),
    message: i.message,
  }));
}

export interface ErrorBody extends AppErrorExtra {
  statusCode: number;
  error: string;
  message: string;
}

export function errorBody(error: AppError): ErrorBody {
  const row = ERROR_TABLE[error.code];
  const message = error.code === "INTERNAL" ? "Internal server error" : error.message;
  return { statusCode: row.http, error: row.name, message, ...error.extra };
}
