import type { OAuthConfig } from "next-auth/providers/oauth";
import type { Env } from "@/server/env";
import type { OidcSettings } from "./sign-in-with-oidc";

/** next-auth's id for the SSO provider: its callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";

/** What the sign-in page needs to offer SSO: its button's name, or undefined when not configured. */
export function ssoButtonName(env: Env): string | undefined {
  return env.OIDC_ISSUER ? env.OIDC_NAME : undefined;
}

export function oidcSettings(env: Env): OidcSettings | undefined {
  if (!env.OIDC_ISSUER || !env.OIDC_ORGANIZATION) return undefined;
  return { organizationId: env.OIDC_ORGANIZATION, roleClaim: env.OIDC_ROLE_CLAIM, roleMap: env.OIDC_ROLE_MAP };
}

/**
 * The generic OIDC provider (docs/behaviour.md#sign-in): discovery from the issuer, authorization
 * code flow with PKCE, state and nonce (each bound to a signed, HttpOnly cookie that next-auth
 * checks on the callback), and the profile from the verified ID token's claims (so the role
 * claim must be in the ID token). Provisioning happens in the signIn callback (next-auth.ts), not
 * in `profile`, whose errors next-auth swallows.
 */
export function oidcProvider(env: Env): OAuthConfig<Record<string, unknown>> | undefined {
  const { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = env;
  if (!issuer || !clientId || !clientSecret) return undefined;
  const base = issuer.replace(/\/+$/, "");
  return {
    id: OIDC_PROVIDER_ID,
    name: env.OIDC_NAME,
    type: "oauth",
    wellKnown: `${base}/.well-known/openid-configuration`,
    issuer: base,
    clientId,
    clientSecret,
    authorization: { params: { scope: "openid email profile" } },
    checks: ["pkce", "state", "nonce"],
    idToken: true,
    profile(claims) {
      const email = typeof claims.email === "string" ? claims.email : null;
      return { id: String(claims.sub ?? ""), email, name: typeof claims.name === "string" ? claims.name : email };
    },
  };
}
