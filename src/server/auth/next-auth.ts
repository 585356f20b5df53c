// Browser sessions (docs/behaviour.md#authentication, docs/behaviour.md#sign-in): credentials and
// optional OIDC sign-in, JWT (JWE cookie) strategy. The token's
// lifetime rules live in session-token.ts, shared with resolvePrincipal.
import type { AuthOptions, DefaultSession, User } from "next-auth";
import CredentialsImport from "next-auth/providers/credentials";
import type { RoleName, SessionUser } from "@/lib/permissions";
import { db } from "@/server/db/client";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { isClientNetworkFailure } from "./next-auth-log";
import { OIDC_PROVIDER_ID, oidcProvider, oidcSettings } from "./oidc-provider";
import { authSecret } from "./secret";
import { nowSeconds, SESSION_MAX_AGE_SECONDS, sessionExpired } from "./session-token";
import { signInWithOidc } from "./sign-in-with-oidc";
import { signInWithPassword } from "./sign-in-with-password";

// A CommonJS module: bundlers hand over its `default`, Node's ESM loader (tsx, vitest
// externals) the whole exports object. Accept both so this module loads outside Next too.
const CredentialsProvider =
  (CredentialsImport as unknown as { default?: typeof CredentialsImport }).default ?? CredentialsImport;

declare module "next-auth" {
  interface User {
    organizationId?: string;
    role?: RoleName;
    permissions?: string[];
  }
  interface Session {
    user: SessionUser & DefaultSession["user"];
  }
}

/**
 * Thrown to next-auth, which puts the message into its error URL: the route handler
 * (app/api/auth/[...nextauth]/route.ts) turns `TooManyAttempts:<seconds>` into a 429 with
 * Retry-After, and the sign-in page into "try again in N minutes".
 */
export const TOO_MANY_ATTEMPTS = "TooManyAttempts";

async function authorize(credentials: Record<"email" | "password", string> | undefined) {
  let result: Awaited<ReturnType<typeof signInWithPassword>>;
  try {
    result = await signInWithPassword({ db: db() }, credentials ?? {});
  } catch (err) {
    // next-auth puts a thrown message into the redirect URL: log the cause, expose a code only.
    logger().error({ err }, "sign-in lookup failed");
    throw new Error("SignInUnavailable");
  }
  if (result.outcome === "throttled") throw new Error(`${TOO_MANY_ATTEMPTS}:${result.retryAfterSeconds}`);
  return result.outcome === "signed-in" ? result.user : null;
}

/**
 * SSO: provisions the user (sign-in-with-oidc.ts) once next-auth has verified the provider's
 * answer. Without an adapter next-auth hands this same `user` object to the jwt callback, so the
 * session's organization, role and permissions are set on it here.
 */
async function provisionSsoUser(user: User, profile: Record<string, unknown> | undefined): Promise<boolean> {
  const settings = oidcSettings(env());
  if (!settings || !profile) return false;
  let result: Awaited<ReturnType<typeof signInWithOidc>>;
  try {
    result = await signInWithOidc({ db: db() }, settings, profile);
  } catch (err) {
    logger().error({ err }, "SSO provisioning failed");
    throw new Error("SignInUnavailable");
  }
  if (result.outcome === "refused") {
    logger().warn({ reason: result.reason }, "SSO sign-in refused");
    return false;
  }
  Object.assign(user, result.user);
  return true;
}

/**
 * Built per call, never at import: `next build` imports the route module without AUTH_SECRET,
 * and tests change the secret between cases.
 */
export function getAuthOptions(): AuthOptions {
  const sso = oidcProvider(env());
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin", error: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        authorize,
      }),
      ...(sso ? [sso] : []),
    ],
    callbacks: {
      signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        return provisionSsoUser(user, profile as Record<string, unknown> | undefined);
      },
      jwt({ token, user }) {
        // `user` is only present on the sign-in request.
        if (user?.organizationId && user.role && user.permissions) {
          return {
            sub: user.id,
            email: user.email,
            name: user.name,
            userId: user.id,
            organizationId: user.organizationId,
            role: user.role,
            permissions: user.permissions,
            signedInAt: nowSeconds(),
          };
        }
        // Throwing makes next-auth clear the cookie: the browser must sign in again.
        if (sessionExpired(token)) throw new Error("Session older than 12 h");
        return token;
      },
      session({ session, token }) {
        session.user = {
          userId: token.userId ?? "",
          organizationId: token.organizationId ?? "",
          role: token.role ?? "viewer",
          permissions: token.permissions ?? [],
          email: token.email ?? "",
          name: token.name ?? "",
        };
        return session;
      },
    },
    // next-auth logs through console by default; keep its output in the app's structured log.
    logger: {
      error: (code, metadata) =>
        isClientNetworkFailure(code, metadata)
          ? logger().info({ code, err: metadata }, "a browser's next-auth request did not complete")
          : logger().error({ code, err: metadata }, "next-auth error"),
      warn: (code) => logger().warn({ code }, "next-auth warning"),
      debug: () => {},
    },
  };
}
