import pg from "pg";
import { env } from "@/server/env";
import { logger } from "@/server/logger";

/**
 * One LISTEN connection for a process (docs/architecture.md#notifications): any number of
 * subscribers per channel share it; never a connection per subscriber. A lost connection is
 * re-opened (1 s apart) and every subscriber's `onReconnect` runs, since notifications sent
 * while it was down are gone: a subscriber catches up from the database there.
 */
export interface Subscription {
  onNotify(payload: string): void;
  onReconnect?(): void;
  /** The connection was lost: notifications are not heard until onReconnect. */
  onDisconnect?(): void;
}

export interface Listener {
  subscribe(channel: string, subscription: Subscription): () => void;
  /**
   * Resolves once the connection is up and LISTENs to every channel subscribed so far (at most
   * `timeoutMs`: a database that is down must not hold the caller; onReconnect catches up).
   */
  ready(timeoutMs?: number): Promise<void>;
  /** True while the connection is up and LISTENs to the channels subscribed before it came up. */
  connected(): boolean;
  close(): Promise<void>;
}

const RECONNECT_MS = 1000;

function createListener(connectionString: string = requireUrl()): Listener {
  const subscribers = new Map<string, Set<Subscription>>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  let listening: Promise<void> | undefined;
  let isUp = false;

  const quote = (channel: string) => pg.escapeIdentifier(channel);

  async function connect(isReconnect: boolean): Promise<void> {
    const next = new pg.Client({ connectionString });
    next.on("notification", (message) => {
      for (const s of subscribers.get(message.channel) ?? []) s.onNotify(message.payload ?? "");
    });
    next.on("error", (err) => {
      logger().warn({ err: { message: err.message } }, "LISTEN connection lost");
      if (client === next) {
        client = undefined;
        if (isUp) for (const set of subscribers.values()) for (const s of set) s.onDisconnect?.();
        isUp = false;
      }
      next.end().catch(() => {});
      scheduleReconnect();
    });
    await next.connect();
    if (closed) {
      await next.end();
      return;
    }
    // Set first: a channel subscribed from now on LISTENs at once (LISTEN twice is harmless).
    client = next;
    listening = Promise.all([...subscribers.keys()].map((channel) => next.query(`LISTEN ${quote(channel)}`))).then(
      () => {},
    );
    await listening;
    isUp = client === next;
    if (isReconnect) for (const set of subscribers.values()) for (const s of set) s.onReconnect?.();
  }

  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connecting = connect(true).catch((err: Error) => {
        logger().warn({ err: { message: err.message } }, "LISTEN reconnect failed");
        scheduleReconnect();
      });
    }, RECONNECT_MS);
    retry.unref();
  }

  function ensureConnected(): Promise<void> {
    connecting ??= connect(false).catch((err: Error) => {
      logger().warn({ err: { message: err.message } }, "LISTEN connection failed");
      scheduleReconnect();
    });
    return connecting;
  }

  return {
    subscribe(channel, subscription) {
      let set = subscribers.get(channel);
      if (!set) {
        set = new Set();
        subscribers.set(channel, set);
        const active = client;
        if (active) {
          const listen = active.query(`LISTEN ${quote(channel)}`).then(() => {});
          listening = Promise.all([listening, listen]).then(() => {});
          listen.catch(() => {});
        }
      }
      set.add(subscription);
      void ensureConnected();
      return () => {
        set.delete(subscription);
      };
    },
    async ready(timeoutMs = 2000) {
      const up = (async () => {
        await ensureConnected();
        await listening;
      })().catch(() => {});
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      });
      await Promise.race([up, late]);
      clearTimeout(timer);
    },
    connected: () => isUp,
    async close() {
      closed = true;
      isUp = false;
      if (retry) clearTimeout(retry);
      await connecting;
      await client?.end().catch(() => {});
      client = undefined;
    },
  };
}

function requireUrl(): string {
  const url = env().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  return url;
}

const shared = globalThis as unknown as { __rccListener?: { listener: Listener; users: number } };

/**
 * The process's one listener, shared by every user (the audit sealer, live streams); closed when
 * the last user releases it.
 */
export function acquireListener(): { listener: Listener; release(): Promise<void> } {
  shared.__rccListener ??= { listener: createListener(), users: 0 };
  const entry = shared.__rccListener;
  entry.users += 1;
  let released = false;
  return {
    listener: entry.listener,
    async release() {
      if (released) return;
      released = true;
      entry.users -= 1;
      if (entry.users === 0 && shared.__rccListener === entry) {
        shared.__rccListener = undefined;
        await entry.listener.close();
      }
    },
  };
}
