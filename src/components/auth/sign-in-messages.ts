// The sign-in page's messages for next-auth's error codes, on the server (the `error` query
// next-auth redirects with) and in the form (signIn's result): one wording for both.

const TOO_MANY_ATTEMPTS = "TooManyAttempts:";

/** "Too many attempts — try again in 12 minutes" for a wait in seconds (rounded up to minutes). */
function tooManyAttemptsMessage(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return `Too many attempts — try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

export function signInErrorMessage(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  if (code === "CredentialsSignin") return "Invalid email or password";
  if (code === "SessionRequired") return "Please sign in to continue";
  if (code === "AccessDenied") return "Single sign-on did not give access to this application";
  if (code.startsWith(TOO_MANY_ATTEMPTS)) {
    const seconds = Number(code.slice(TOO_MANY_ATTEMPTS.length));
    if (Number.isFinite(seconds)) return tooManyAttemptsMessage(seconds);
  }
  return "Sign-in failed. Please try again.";
}
