"use client";

import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { signInErrorMessage } from "./sign-in-messages";

interface SignInFormProps {
  /** Already reduced to a path on this site by the page. */
  callbackUrl: string;
  initialError?: string;
  /** The SSO button's provider name (OIDC_NAME) when SSO is configured. */
  ssoName?: string;
}

export function SignInForm({ callbackUrl, initialError, ssoName }: SignInFormProps) {
  const [error, setError] = useState(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(undefined);
    try {
      const result = await signIn("credentials", {
        email: String(form.get("email") ?? ""),
        password: String(form.get("password") ?? ""),
        callbackUrl,
        redirect: false,
      });
      if (result?.ok && !result.error) {
        // A full navigation, so server components and the session provider start from the
        // new cookie rather than cached signed-out state.
        window.location.assign(callbackUrl);
        return;
      }
      // A throttled attempt (429) carries its wait in the code: "Too many attempts — try again in N minutes".
      setError(signInErrorMessage(result?.error) ?? "Sign-in failed. Please try again.");
    } catch {
      setError("Sign-in failed. Please try again.");
    }
    setPending(false);
  }

  async function onSso() {
    setPending(true);
    setError(undefined);
    // A full-page redirect to the provider; it comes back through /api/auth/callback/oidc to callbackUrl.
    await signIn("oidc", { callbackUrl }).catch(() => {
      setError("Sign-in failed. Please try again.");
      setPending(false);
    });
  }

  const input =
    "mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm text-slate-900 shadow-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600/30";

  return (
    <>
      {ssoName && (
        <div className="mt-6 space-y-4">
          <button
            type="button"
            onClick={onSso}
            disabled={pending}
            className="w-full rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-900 hover:bg-slate-50 focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:cursor-not-allowed disabled:opacity-60"
          >
            Sign in with {ssoName}
          </button>
          <p className="text-center text-xs text-slate-500">or with your email and password</p>
        </div>
      )}
      <form onSubmit={onSubmit} className="mt-6 space-y-4">
        <div>
          <label htmlFor="email" className="block text-sm font-medium text-slate-700">
            Email
          </label>
          <input id="email" name="email" type="email" autoComplete="username" required className={input} />
        </div>
        <div>
          <label htmlFor="password" className="block text-sm font-medium text-slate-700">
            Password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className={input}
          />
        </div>
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error}
          </p>
        )}
        <button
          type="submit"
          disabled={pending}
          aria-busy={pending}
          className="w-full rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-700 focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:cursor-not-allowed disabled:opacity-60"
        >
          Sign in
        </button>
      </form>
    </>
  );
}
