"use client";

import type { Session } from "next-auth";
import { SessionProvider } from "next-auth/react";
import type { ReactNode } from "react";

/**
 * next-auth's SessionProvider is a client component; the root layout (a server component)
 * wraps the app in this. Pass `session` when the layout already has it, to skip the first fetch.
 */
export function AuthSessionProvider({ children, session }: { children: ReactNode; session?: Session | null }) {
  return <SessionProvider session={session}>{children}</SessionProvider>;
}
