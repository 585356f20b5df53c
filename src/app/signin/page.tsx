import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { signInErrorMessage } from "@/components/auth/sign-in-messages";
import { ssoButtonName } from "@/server/auth/oidc-provider";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Sign in · Remediation Control Center" };

// Whether SSO is offered is read from the environment at request time, never at `next build`.
export const dynamic = "force-dynamic";

const DEFAULT_DESTINATION = "/control-center";

/**
 * Only ever redirect to a path on this site. next-auth hands absolute URLs (its own origin)
 * and anyone can craft `?callbackUrl=https://evil.example`: keep path, query and hash, drop the
 * origin, and collapse leading slashes so `//evil.example` cannot become protocol-relative.
 */
function safeCallbackPath(raw: string | string[] | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return DEFAULT_DESTINATION;
  try {
    const url = new URL(value, "http://placeholder.invalid");
    const path = url.pathname.replace(/^\/+/, "/");
    if (path === "/signin" || path.startsWith("/api/auth")) return DEFAULT_DESTINATION;
    return `${path}${url.search}${url.hash}`;
  } catch {
    return DEFAULT_DESTINATION;
  }
}

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
        <h1 className="text-xl font-semibold text-slate-900">Sign in</h1>
        <p className="mt-1 text-sm text-slate-600">Remediation Control Center</p>
        <SignInForm
          callbackUrl={safeCallbackPath(params.callbackUrl)}
          initialError={signInErrorMessage(Array.isArray(params.error) ? params.error[0] : params.error)}
          ssoName={ssoButtonName(env())}
        />
      </div>
    </main>
  );
}
