// Browser sessions (docs/behaviour.md#authentication): credentials sign-in, JWT (JWE cookie) strategy. The token's
// lifetime rules live in session-token.ts, shared with resolvePrincipal.
import type { AuthOptions, DefaultSession } from "next-auth";
import CredentialsImport from "next-auth/providers/credentials";
import { ROLE_PERMISSIONS, ROLES, type RoleName, type SessionUser } from "@/lib/permissions";
import { isStorableText } from "@/lib/schemas";
import { db } from "@/server/db/client";
import { acrossOrganizationsFirstMembership } from "@/server/db/stores/memberships";
import { findUserByEmail } from "@/server/db/stores/users";
import { logger } from "@/server/logger";
import { verifyPassword } from "./password";
import { authSecret } from "./secret";
import { nowSeconds, SESSION_MAX_AGE_SECONDS, sessionExpired } from "./session-token";

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

// Compared against when the email is unknown, so a miss costs the same bcrypt time as a hit
// and response timing does not reveal which emails have accounts.
const DUMMY_HASH = "$2b$10$BsXQbTMDEoMKLoiuOeFJ9O5L5ESD05lLbXUYBs762voHaBrjHpPn2";

/** The user with the organization of their first membership (the one they joined first). */
async function findAccount(email: string) {
  const user = await findUserByEmail(db(), email);
  if (!user) return undefined;
  return { ...user, membership: await acrossOrganizationsFirstMembership(db(), user.id) };
}

async function authorize(credentials: Record<"email" | "password", string> | undefined) {
  const email = credentials?.email?.trim();
  const password = credentials?.password ?? "";
  // An email PostgreSQL cannot hold matches no account (docs/behaviour.md#storable-text).
  if (!email || !password || !isStorableText(email)) return null;

  let account: Awaited<ReturnType<typeof findAccount>>;
  try {
    account = await findAccount(email);
  } catch (err) {
    // next-auth puts a thrown message into the redirect URL: log the cause, expose a code only.
    logger().error({ err }, "sign-in lookup failed");
    throw new Error("SignInUnavailable");
  }
  const matches = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
  const membership = account?.membership;
  // No membership = no organization to act in: same answer as a wrong password.
  if (!account || !matches || !membership || !ROLES.includes(membership.role)) return null;
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    organizationId: membership.organizationId,
    role: membership.role,
    permissions: [...ROLE_PERMISSIONS[membership.role]],
  };
}

/**
 * Built per call, never at import: `next build` imports the route module without AUTH_SECRET,
 * and tests change the secret between cases.
 */
export function getAuthOptions(): AuthOptions {
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
    ],
    callbacks: {
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
      error: (code, metadata) => logger().error({ code, err: metadata }, "next-auth error"),
      warn: (code) => logger().warn({ code }, "next-auth warning"),
      debug: () => {},
    },
  };
}
