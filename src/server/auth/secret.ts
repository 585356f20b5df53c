/**
 * The HS256 key for API bearer tokens and next-auth's session encryption (contract §2).
 * Read on every call, never at import time: `next build` imports auth modules without any
 * secret, and the start script / test setup put AUTH_SECRET in the environment before
 * app code runs (generating a dev secret under .data/ when it is unset).
 */
export function authSecret(): string {
  const secret = process.env.AUTH_SECRET?.trim();
  if (!secret) {
    throw new Error(
      "AUTH_SECRET is not set: start the app through `npm start`/`npm run dev` (which resolve it) or export AUTH_SECRET",
    );
  }
  return secret;
}
