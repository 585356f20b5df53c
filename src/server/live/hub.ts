import type { Db } from "@/server/db/client";
import { acquireListener, type Listener } from "@/server/db/listener";
import { toAction } from "@/server/db/stores/actions";
import { findChainHead, listSealedEventsAfter, type StreamEvent } from "@/server/db/stores/audit";
import { logger } from "@/server/logger";

/**
 * Live streams of one process (docs/behaviour.md#live-stream). One LISTEN connection (the
 * process listener) hears `rcc_audit_sealed` from every process's sealer; per organization one
 * reader fetches the newly sealed events once, in batches, and hands each open stream of that
 * organization the ones after its own cursor. A stream is a cursor and a sink; the HTTP side
 * (serve-stream.ts) owns the socket, its buffer limit, pings and expiry.
 */
export interface LiveSink {
  organizationId: string;
  /** The last seq delivered (or skipped by a reset). */
  cursor: number;
  /** Writes the frames; false when the sink is full or gone (the hub then drops it). */
  deliver(events: SerializedEvent[]): boolean;
  /** Too many events to replay: tell the client to refetch, then continue from `seq`. */
  reset(seq: number): boolean;
  /** Resolves when the client has read what was written (a replay waits for it between batches). */
  drained(): Promise<void>;
  /** False once the client has gone. */
  readonly open: boolean;
}

export interface SerializedEvent {
  seq: number;
  type: string;
  /** `{ seq, actionId, type, actor, createdAt, action }` as JSON text. */
  data: string;
}

/** A stream further behind than this gets `event: reset` instead of a replay. */
export const MAX_REPLAY = 10_000;
const BATCH = 500;

function serialize(event: StreamEvent): SerializedEvent {
  const action = event.action ? toAction(event.action) : null;
  return {
    seq: event.seq,
    type: event.type,
    data: JSON.stringify({
      seq: event.seq,
      actionId: event.actionId,
      type: event.type,
      actor: event.actor,
      createdAt: new Date(event.createdAt).toISOString(),
      action,
    }),
  };
}

interface OrganizationFeed {
  sinks: Set<LiveSink>;
  /** Sinks still replaying or reading the head: the feed must outlive a moment with no sinks. */
  joining: number;
  /** The highest seq known to be sealed. */
  head: number;
  pumping: boolean;
  again: boolean;
}

export class LiveHub {
  private readonly feeds = new Map<string, OrganizationFeed>();
  private connection: { listener: Listener; release(): Promise<void>; unsubscribe(): void } | undefined;

  constructor(private readonly db: Db) {}

  /**
   * Registers a sink after `since` (its last seen seq; undefined: from now). LISTEN is made active
   * before the head is read, so nothing sealed after that read is missed. Further behind than
   * MAX_REPLAY → one reset, then live from the head; otherwise this sink alone replays up to the
   * head, batch by batch as its client drains them (a slow link is never reset within the
   * limit), then joins the organization's live feed.
   */
  async add(sink: LiveSink, since: number | undefined): Promise<void> {
    const feed = this.feed(sink.organizationId);
    feed.joining += 1;
    try {
      await this.listen().ready();
      const head = (await findChainHead(this.db, sink.organizationId))?.seq ?? 0;
      feed.head = Math.max(feed.head, head);
      if (since === undefined || since >= head) sink.cursor = head;
      else if (head - since > MAX_REPLAY) {
        sink.cursor = head;
        if (!sink.reset(head)) return;
      } else {
        sink.cursor = since;
        while (sink.cursor < head && sink.open) {
          const events = (await listSealedEventsAfter(this.db, sink.organizationId, sink.cursor, BATCH))
            .filter((e) => e.seq <= head)
            .map(serialize);
          if (events.length === 0) break;
          if (!sink.deliver(events)) return;
          sink.cursor = events.at(-1)!.seq;
          await sink.drained();
        }
      }
      if (!sink.open) return;
      feed.sinks.add(sink);
    } finally {
      feed.joining -= 1;
    }
    this.pump(sink.organizationId);
  }

  remove(sink: LiveSink): void {
    const feed = this.feeds.get(sink.organizationId);
    if (!feed) return;
    feed.sinks.delete(sink);
    this.dropIfIdle(sink.organizationId, feed);
  }

  private dropIfIdle(organizationId: string, feed: OrganizationFeed): void {
    if (feed.sinks.size === 0 && feed.joining === 0 && !feed.pumping && this.feeds.get(organizationId) === feed) {
      this.feeds.delete(organizationId);
    }
    if (this.feeds.size === 0) this.unlisten();
  }

  /** Open streams in this process (tests, the bench). */
  get size(): number {
    let n = 0;
    for (const feed of this.feeds.values()) n += feed.sinks.size;
    return n;
  }

  private feed(organizationId: string): OrganizationFeed {
    let feed = this.feeds.get(organizationId);
    if (!feed) {
      feed = { sinks: new Set(), joining: 0, head: 0, pumping: false, again: false };
      this.feeds.set(organizationId, feed);
    }
    return feed;
  }

  private listen(): Listener {
    if (this.connection) return this.connection.listener;
    const { listener, release } = acquireListener();
    const unsubscribe = listener.subscribe("rcc_audit_sealed", {
      onNotify: (payload) => this.onSealed(payload),
      // Notifications sent while the connection was down are lost: every feed catches up from its cursors.
      onReconnect: () => {
        for (const organizationId of this.feeds.keys()) this.refreshHead(organizationId);
      },
    });
    this.connection = { listener, release, unsubscribe };
    return listener;
  }

  private unlisten(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    connection.unsubscribe();
    connection.release().catch(() => {});
  }

  private onSealed(payload: string): void {
    let message: { organizationId?: unknown; seq?: unknown };
    try {
      message = JSON.parse(payload);
    } catch {
      return;
    }
    if (typeof message.organizationId !== "string" || typeof message.seq !== "number") return;
    const feed = this.feeds.get(message.organizationId);
    if (!feed) return;
    feed.head = Math.max(feed.head, message.seq);
    this.pump(message.organizationId);
  }

  private refreshHead(organizationId: string): void {
    findChainHead(this.db, organizationId)
      .then((head) => {
        const feed = this.feeds.get(organizationId);
        if (!feed || !head) return;
        feed.head = Math.max(feed.head, head.seq);
        this.pump(organizationId);
      })
      .catch((err) => logger().warn({ err, organizationId }, "live stream could not read the chain head"));
  }

  /** One reader per organization: fetches from the slowest cursor, delivers to each sink what it lacks. */
  private pump(organizationId: string): void {
    const feed = this.feeds.get(organizationId);
    if (!feed) return;
    if (feed.pumping) {
      feed.again = true;
      return;
    }
    feed.pumping = true;
    void (async () => {
      try {
        do {
          feed.again = false;
          for (;;) {
            if (feed.sinks.size === 0) break;
            const from = Math.min(...[...feed.sinks].map((s) => s.cursor));
            if (from >= feed.head) break;
            const events = (await listSealedEventsAfter(this.db, organizationId, from, BATCH)).map(serialize);
            if (events.length === 0) break;
            for (const sink of [...feed.sinks]) {
              // A sink that joined while this batch was read may be behind its start: it would
              // get a gap. It is served by the next round, which starts from its cursor.
              if (sink.cursor < from) {
                feed.again = true;
                continue;
              }
              const due = events.filter((e) => e.seq > sink.cursor);
              if (due.length === 0) continue;
              if (sink.deliver(due)) sink.cursor = due.at(-1)!.seq;
              else feed.sinks.delete(sink);
            }
            feed.head = Math.max(feed.head, events.at(-1)!.seq);
            if (events.length < BATCH) break;
          }
        } while (feed.again);
      } catch (err) {
        logger().warn({ err, organizationId }, "live stream read failed; the next notification retries");
      } finally {
        feed.pumping = false;
        this.dropIfIdle(organizationId, feed);
      }
    })();
  }
}

const shared = globalThis as unknown as { __rccLiveHub?: LiveHub };

/** The process's hub (one per process, shared by Next's bundle and the custom server). */
export function liveHub(db: Db): LiveHub {
  shared.__rccLiveHub ??= new LiveHub(db);
  return shared.__rccLiveHub;
}
