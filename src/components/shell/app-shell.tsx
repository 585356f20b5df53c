"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { type ReactNode, useState } from "react";
import { LiveIndicator } from "@/components/live/live-indicator";
import { LiveProvider } from "@/components/live/live-provider";
import { PrincipalProvider, type ShellUser } from "./principal-context";

const NAV = [
  { href: "/control-center", label: "Control Center" },
  { href: "/incidents", label: "Incidents" },
  { href: "/settings", label: "Settings" },
];

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const queryClient = useQueryClient();
  // Signing out unmounts the page first, closes the live stream and cancels its requests: a
  // request that fires after the session is gone would only fail with 401.
  const [signingOut, setSigningOut] = useState(false);
  const onSignOut = async () => {
    setSigningOut(true);
    await queryClient.cancelQueries();
    // next-auth's browser module only when it is needed (docs/architecture.md#first-load-javascript).
    const { signOut } = await import("next-auth/react");
    await signOut({ callbackUrl: "/signin" });
  };
  return (
    <PrincipalProvider user={user}>
      <LiveProvider enabled={!signingOut}>
        <div className="min-h-screen">
          <header className="border-b border-slate-200 bg-white">
            <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
              <Link href="/control-center" className="font-semibold text-slate-900">
                Remediation Control Center
              </Link>
              <nav aria-label="Main" className="flex gap-1">
                {NAV.map((item) => {
                  const active = pathname?.startsWith(item.href);
                  return (
                    <Link
                      key={item.href}
                      href={item.href}
                      aria-current={active ? "page" : undefined}
                      className={`rounded-md px-3 py-1.5 text-sm ${active ? "bg-slate-900 text-white" : "text-slate-700 hover:bg-slate-100"}`}
                    >
                      {item.label}
                    </Link>
                  );
                })}
              </nav>
              <div className="ml-auto flex items-center gap-3 text-sm">
                <LiveIndicator />
                <span data-testid="signed-in-user" className="text-slate-700">
                  {user.name ?? user.email}
                  <span className="max-sm:sr-only">
                    {" "}
                    · <span className="font-mono">{user.organizationId}</span>
                  </span>{" "}
                  ·{" "}
                  <span data-testid="signed-in-role" className="rounded bg-slate-100 px-1.5 py-0.5">
                    {user.role}
                  </span>
                </span>
                <button
                  type="button"
                  onClick={onSignOut}
                  disabled={signingOut}
                  className="rounded-md border border-slate-300 px-3 py-1.5 whitespace-nowrap hover:bg-slate-100"
                >
                  Sign out
                </button>
              </div>
            </div>
          </header>
          <main className="mx-auto max-w-7xl px-4 py-6">{signingOut ? null : children}</main>
        </div>
      </LiveProvider>
    </PrincipalProvider>
  );
}
