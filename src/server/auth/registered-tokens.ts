import { db } from "@/server/db/client";
import { acquireListener, type Listener } from "@/server/db/listener";
import { findApiTokenState, TOKEN_REVOKED_CHANNEL, touchApiToken } from "@/server/db/stores/api-tokens";
import { env } from "@/server/env";
import { AppError } from "@/server/errors";
import { logger } from "@/server/logger";
import type { Principal } from "./principal-types";

/**
 * Registered API tokens at request time (docs/behaviour.md#api-tokens): a token whose `jti`
 * names a record is accepted only while that record is neither revoked nor expired, and every
 * process must honour a revocation within 1 s.
 *
 * Each process keeps a bounded cache of record verdicts (jti → when it was read). While the
 * process LISTENs on `rcc_token_revoked` (the table's trigger notifies at the revoking commit), a
 * verdict read after the LISTEN became active is trusted until the token expires: a revocation
 * arrives as a notification and evicts it. While the LISTEN connection is down, a verdict is
 * trusted for at most STALE_MS after its read; when it comes back, the whole cache is dropped
 * (notifications sent meanwhile are lost). The LISTEN starts with the first registered token the
 * process sees and is then kept.
 */

const STALE_MS = 1000;
const CACHE_MAX = 10_000;
/** lastUsedAt is written at most once a minute per token (here per process, in the store per database). */
const TOUCH_INTERVAL_MS = 60_000;
/** The bearer clock tolerance (bearer.ts), applied to the record's expiry too. */
const TOLERANCE_MS = 30_000;

interface Verdict {
  /** When the read that found the record active started. */
  readAtMs: number;
  expiresAtMs: number;
}

interface Registry {
  verdicts: Map<string, Verdict>;
  /** Revocations heard: closes the race of a read that started before the revoking commit. */
  revokedHeard: Map<string, true>;
  touchedAtMs: Map<string, number>;
  watchers: Map<string, Set<() => void>>;
  listener: Listener | undefined;
  /** When the LISTEN became active (undefined: not listening). */
  listeningSinceMs: number | undefined;
}

// One per process, shared by Next's bundle and the custom server (like the listener and the live
// hub): a revocation made through either is seen by both at once.
const shared = globalThis as unknown as { __rccTokenRegistry?: Registry };
shared.__rccTokenRegistry ??= {
  verdicts: new Map(),
  revokedHeard: new Map(),
  touchedAtMs: new Map(),
  watchers: new Map(),
  listener: undefined,
  listeningSinceMs: undefined,
};
const registry: Registry = shared.__rccTokenRegistry;
const { verdicts, revokedHeard, touchedAtMs, watchers } = registry;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= CACHE_MAX) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/**
 * A revocation this process committed: refused here at once, before its own notification comes
 * back (other processes hear the notification).
 */
export function forgetRevokedToken(tokenId: string): void {
  onRevoked(tokenId);
}

function onRevoked(tokenId: string): void {
  remember(revokedHeard, tokenId, true);
  verdicts.delete(tokenId);
  for (const notify of [...(watchers.get(tokenId) ?? [])]) notify();
}

function listen(): void {
  if (registry.listener) return;
  const l = acquireListener().listener;
  registry.listener = l;
  l.subscribe(TOKEN_REVOKED_CHANNEL, {
    onNotify: onRevoked,
    onDisconnect: () => {
      registry.listeningSinceMs = undefined;
    },
    onReconnect: () => {
      verdicts.clear();
      registry.listeningSinceMs = Date.now();
    },
  });
  // Resolves once the LISTEN is active, or the first attempt failed (then onReconnect follows).
  void l.ready(60_000).then(() => {
    if (l.connected() && registry.listeningSinceMs === undefined) registry.listeningSinceMs = Date.now();
  });
}

function trusted(verdict: Verdict, now: number): boolean {
  if (now > verdict.expiresAtMs) return false;
  const since = registry.listeningSinceMs;
  if (since !== undefined && verdict.readAtMs >= since) return true;
  return now - verdict.readAtMs <= STALE_MS;
}

const refused = (message: string) => new AppError("UNAUTHORIZED", message);

/**
 * Throws 401 unless the principal's token may be used now: a registered token whose record is
 * active, or an unregistered one while REQUIRE_REGISTERED_TOKENS is off. Sessions pass. Without
 * a promise when no I/O is needed (a session, an unregistered token, a registered one with a
 * trusted verdict and a recent touch): it throws synchronously then, and otherwise returns the
 * pending check, which rejects with the same 401s (the hot path, resolve-principal.ts).
 */
export function checkTokenUsable(principal: Principal): Promise<void> | undefined {
  if (principal.via !== "token") return undefined;
  const tokenId = principal.tokenId;
  if (tokenId === undefined) {
    if (env().REQUIRE_REGISTERED_TOKENS) throw refused("Token is not registered");
    return undefined;
  }
  listen();
  if (revokedHeard.has(tokenId)) throw refused("Token has been revoked");
  const now = Date.now();
  const cached = verdicts.get(tokenId);
  if (!cached || !trusted(cached, now)) return readVerdict(principal, tokenId, now);
  const last = touchedAtMs.get(tokenId);
  if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return undefined;
  return touch(principal.organizationId, tokenId, now);
}

/** No trusted verdict: the record is read (then the token is touched as usual). */
async function readVerdict(principal: Principal, tokenId: string, now: number): Promise<void> {
  const state = /^[0-9a-f-]{36}$/i.test(tokenId)
    ? await findApiTokenState(db(), principal.organizationId, tokenId)
    : undefined;
  if (!state) throw refused("Token is not registered");
  if (state.revokedAt) throw refused("Token has been revoked");
  const expiresAtMs = state.expiresAt.getTime() + TOLERANCE_MS;
  if (Date.now() > expiresAtMs) throw refused("Invalid or expired token");
  // Heard while reading: the read may predate the revoking commit.
  if (revokedHeard.has(tokenId)) throw refused("Token has been revoked");
  remember(verdicts, tokenId, { readAtMs: now, expiresAtMs });
  await touch(principal.organizationId, tokenId, now);
}

/**
 * lastUsedAt: one awaited statement per token per minute in a process (the rest of the minute
 * costs nothing). A failed write does not fail the request: it is logged and retried on the next use.
 */
async function touch(organizationId: string, tokenId: string, now: number): Promise<void> {
  const last = touchedAtMs.get(tokenId);
  if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
  remember(touchedAtMs, tokenId, now);
  try {
    await touchApiToken(db(), organizationId, tokenId);
  } catch (err) {
    touchedAtMs.delete(tokenId);
    logger().warn({ err, tokenId }, "could not record an API token's use");
  }
}

/**
 * Calls `onRevoked` once when the principal's registered token stops being usable (a held
 * event stream ends with it): at once on the revocation's notification, and, while this process
 * is not listening, by re-checking the record every STALE_MS. Returns the unsubscribe.
 */
export function watchToken(principal: Principal, onRevoked: () => void): () => void {
  const tokenId = principal.tokenId;
  if (principal.via !== "token" || tokenId === undefined) return () => {};
  let done = false;
  const fire = () => {
    if (done) return;
    stop();
    onRevoked();
  };
  let set = watchers.get(tokenId);
  if (!set) {
    set = new Set();
    watchers.set(tokenId, set);
  }
  set.add(fire);
  const poll = setInterval(() => {
    if (registry.listeningSinceMs !== undefined && !revokedHeard.has(tokenId)) return;
    // Through a promise: a synchronous 401 lands in the same catch.
    Promise.resolve(principal)
      .then(checkTokenUsable)
      .catch((error: unknown) => {
        if (error instanceof AppError) fire();
      });
  }, STALE_MS);
  poll.unref();
  function stop() {
    done = true;
    clearInterval(poll);
    set?.delete(fire);
    if (set?.size === 0 && watchers.get(tokenId!) === set) watchers.delete(tokenId!);
  }
  return stop;
}
