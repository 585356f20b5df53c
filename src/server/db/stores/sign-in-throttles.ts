import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";

/**
 * The sign_in_throttles store: failed sign-ins per email address in a fixed window
 * (docs/data-model.md#sign_in_throttles, docs/behaviour.md#sign-in). Not tenant data: the key is
 * an address someone typed, account or not. Times come from the caller (an injectable clock), so
 * every process and test agrees on the window without waiting for it.
 */

export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

export type AttemptClaim =
  | { allowed: true; windowStartedAt: Date }
  | { allowed: false; retryAfterMs: number; firstRefusal: boolean };

/**
 * Counts an attempt against the address's window before its password is checked, in one
 * conditional upsert: concurrent attempts from any number of processes get at most
 * `maxFailures` slots per window (a check-then-write would let a burst through). A window that
 * has ended, or holds no failures, starts again at `now`. A full window refuses: the refusal is
 * counted and the time left returned.
 */
export async function claimSignInAttempt(
  q: Queryable,
  email: string,
  now: Date,
  rule: ThrottleRule,
): Promise<AttemptClaim> {
  const windowStart = new Date(now.getTime() - rule.windowMs);
  const fresh = Prisma.sql`(t."windowStartedAt" <= ${windowStart} OR t.failures = 0)`;
  const [claimed] = await queryRows<{ windowStartedAt: Date }>(
    q,
    Prisma.sql`
    INSERT INTO sign_in_throttles AS t (email, "windowStartedAt", failures, refusals)
    VALUES (${email}, ${now}, 1, 0)
    ON CONFLICT (email) DO UPDATE SET
      "windowStartedAt" = CASE WHEN ${fresh} THEN ${now} ELSE t."windowStartedAt" END,
      failures = CASE WHEN ${fresh} THEN 1 ELSE t.failures + 1 END,
      refusals = CASE WHEN ${fresh} THEN 0 ELSE t.refusals END
    WHERE ${fresh} OR t.failures < ${rule.maxFailures}
    RETURNING "windowStartedAt"`,
  );
  if (claimed) return { allowed: true, windowStartedAt: claimed.windowStartedAt };
  const [refused] = await queryRows<{ windowStartedAt: Date; refusals: number }>(
    q,
    Prisma.sql`
    UPDATE sign_in_throttles SET refusals = refusals + 1 WHERE email = ${email}
    RETURNING "windowStartedAt", refusals`,
  );
  const endsAt = (refused?.windowStartedAt.getTime() ?? now.getTime()) + rule.windowMs;
  return {
    allowed: false,
    retryAfterMs: Math.max(endsAt - now.getTime(), 1000),
    firstRefusal: refused?.refusals === 1,
  };
}

/**
 * A successful sign-in gives its slot back, in the window it was claimed in only (a window that
 * has since started again is not touched).
 */
export async function releaseSignInAttempt(q: Queryable, email: string, windowStartedAt: Date): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    UPDATE sign_in_throttles SET failures = greatest(failures - 1, 0)
    WHERE email = ${email} AND "windowStartedAt" = ${windowStartedAt}`,
  );
}
