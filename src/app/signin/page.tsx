import type { Metadata } from "next";
import { SignInForm } from "@/components/auth/sign-in-form";
import { signInErrorMessage } from "@/components/auth/sign-in-messages";
import { safeCallbackPath } from "@/lib/callback-url";
import { ssoButtonName } from "@/server/auth/oidc-provider";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Sign in · Remediation Control Center" };

// Whether SSO is offered is read from the environment at request time, never at `next build`.
export const dynamic = "force-dynamic";

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
          callbackUrl={safeCallbackPath(params.callbackUrl, env().NEXTAUTH_URL)}
          initialError={signInErrorMessage(Array.isArray(params.error) ? params.error[0] : params.error)}
          ssoName={ssoButtonName(env())}
        />
      </div>
    </main>
  );
}
