"use client";
import { createContext, type ReactNode, useContext } from "react";
import { hasPermission, type Permission, type SessionUser } from "@/lib/permissions";

export type ShellUser = SessionUser;

const PrincipalContext = createContext<ShellUser | null>(null);

export function PrincipalProvider({ user, children }: { user: ShellUser; children: ReactNode }) {
  return <PrincipalContext.Provider value={user}>{children}</PrincipalContext.Provider>;
}

/** What the signed-in role may do; the UI hides the rest (the server still enforces it). */
export function useCan(permission: Permission): boolean {
  const user = useContext(PrincipalContext);
  return user ? hasPermission(user.permissions, permission) : false;
}

export function useShellUser(): ShellUser {
  const user = useContext(PrincipalContext);
  if (!user) throw new Error("useShellUser outside the app shell");
  return user;
}
