// Calling the product as its clients do: the tRPC caller with a principal (what the browser's
// procedures run), and one REST request through the real adapter with a real bearer token.
import { handleRest } from "@/server/rest/handler";
import { createCaller } from "@/server/root";
import type { SettingsOverrides } from "@/server/trpc";
import { bearer, type PrincipalOverrides, principalFor } from "./factories";

/**
 * Who calls (principal overrides), the request headers, and settings instead of the environment's
 * (`guardrails`, `emailSettings`: src/test/settings.ts).
 */
interface CallerOptions extends PrincipalOverrides, SettingsOverrides {
  headers?: Record<string, string>;
}

/** The tRPC server-side caller for a principal of the organization (every permission by default). */
export function callerFor(organizationId: string, options: CallerOptions = {}) {
  const { headers, guardrails, emailSettings, ...principal } = options;
  return createCaller({
    principal: principalFor(organizationId, principal),
    headers: new Headers(headers),
    guardrails,
    emailSettings,
  });
}

/** Who a REST call is made as: a literal Authorization value, a token to sign, or nobody (null). */
type RestAuth =
  | string
  | null
  | { organizationId: string; permissions?: readonly string[]; sub?: string; ttlSeconds?: number };

export interface RestOptions extends SettingsOverrides {
  auth?: RestAuth;
  /** Sent as JSON (content-type: application/json). */
  body?: unknown;
  /** Sent as is, with only the headers given. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One REST call through the real adapter (`handleRest`), as the Next route handler makes it. */
export async function rest(method: string, path: string, options: RestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth;
  if (typeof auth === "string") headers.authorization = auth;
  else if (auth) {
    const { organizationId, ...claims } = auth;
    headers.authorization = await bearer(organizationId, claims);
  }
  let body = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  const settings = { guardrails: options.guardrails, emailSettings: options.emailSettings };
  return handleRest(new Request(`http://test${path}`, { method, headers, body }), settings);
}
