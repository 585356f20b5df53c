import { createdApiTokenSchema } from "@/server/auth/api-token-schemas";
import type { RestRoute } from "../types";

// API tokens as records (docs/behaviour.md#api-tokens). Literal `/remediation/tokens` is tried
// before `/remediation/:id` (fewer params first).
export const tokenRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/remediation/tokens",
    procedure: "tokens.list",
    summary:
      "The organization's registered API tokens, newest first (revoked and expired ones included; never the token itself)",
    input: () => undefined,
  },
  {
    method: "POST",
    path: "/remediation/tokens",
    procedure: "tokens.create",
    summary:
      "Register a token acting as the caller, with a subset of the caller's permissions and a lifetime of at most a year; the answer carries the token, shown this once",
    successStatus: 201,
    respond: (created) => ({ status: 201, body: created }),
    response: createdApiTokenSchema,
  },
  {
    method: "DELETE",
    path: "/remediation/tokens/:id",
    procedure: "tokens.revoke",
    summary:
      "Revoke a token: every process refuses it (401) within a second. Revoking a revoked token answers 200 with the record unchanged",
    input: ({ params }) => ({ id: params.id }),
  },
];
