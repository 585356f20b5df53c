import { env } from "@/server/env";

/**
 * The HS256 key for API bearer tokens and next-auth's session encryption (README "API tokens").
 * Asked for on every call, never at import time: `next build` imports auth modules without any
 * secret, and the start script / test setup resolve AUTH_SECRET (generating a dev secret under
 * .data/ when it is unset) before app code runs.
 */
export function authSecret(): string {
  const secret = env().AUTH_SECRET;
  if (!secret) {
    throw new Error(
      "AUTH_SECRET is not set: start the app through `npm start`/`npm run dev` (which resolve it) or export AUTH_SECRET",
    );
  }
  return secret;
}
