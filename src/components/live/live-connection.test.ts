import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type EventSourceLike,
  LiveConnection,
  type LiveEvent,
  type LiveStatus,
  MAX_BACKOFF_MS,
  type NetworkLike,
  parseLiveEvent,
} from "./live-connection";

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;

class FakeSource implements EventSourceLike {
  readyState = CONNECTING;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.closed = true;
    this.readyState = CLOSED;
  }

  open(): void {
    this.readyState = OPEN;
    this.onopen?.(new Event("open"));
  }

  /** The browser gave up (an HTTP error): CLOSED, then `error`. */
  fail(): void {
    this.readyState = CLOSED;
    this.onerror?.(new Event("error"));
  }

  /** The stream dropped; EventSource retries by itself. */
  drop(): void {
    this.readyState = CONNECTING;
    this.onerror?.(new Event("error"));
  }

  emit(type: string, data: unknown, lastEventId = ""): void {
    const event = { data: typeof data === "string" ? data : JSON.stringify(data), lastEventId } as MessageEvent<string>;
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

class FakeNetwork implements NetworkLike {
  onLine = true;
  private readonly listeners = new Map<string, Set<() => void>>();

  addEventListener(type: "online" | "offline", listener: () => void): void {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)?.add(listener);
  }

  removeEventListener(type: "online" | "offline", listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  set(onLine: boolean): void {
    this.onLine = onLine;
    for (const listener of this.listeners.get(onLine ? "online" : "offline") ?? []) listener();
  }
}

const approved = (seq: number, incidentId: string | null = "inc-1") => ({
  seq,
  actionId: "act-1",
  type: "APPROVED",
  actor: "user-2",
  createdAt: "2026-01-01T00:00:00.000Z",
  action: incidentId ? { id: "act-1", incidentId, status: "QUEUED" } : null,
});

function setup(options: { online?: boolean } = {}) {
  const sources: FakeSource[] = [];
  const network = new FakeNetwork();
  network.onLine = options.online ?? true;
  const statuses: LiveStatus[] = [];
  const events: LiveEvent[] = [];
  const resets: number[] = [];
  const unresumed: number[] = [];
  const connection = new LiveConnection({
    createSource: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    network,
    onStatus: (s) => statuses.push(s),
    onEvent: (e) => events.push(e),
    onReset: () => resets.push(Date.now()),
    onOpenUnresumed: (at) => unresumed.push(at),
    now: () => Date.now(),
  });
  const last = () => sources.at(-1) as FakeSource;
  return { connection, sources, last, network, statuses, events, resets, unresumed };
}

describe("parseLiveEvent", () => {
  it("reads the action and its incident", () => {
    expect(parseLiveEvent("APPROVED", JSON.stringify(approved(7)))).toEqual({
      seq: 7,
      type: "APPROVED",
      actionId: "act-1",
      incidentId: "inc-1",
    });
    expect(parseLiveEvent("APPROVED", JSON.stringify(approved(8, null)))).toMatchObject({ incidentId: null });
  });

  it("refuses what is not the documented shape", () => {
    expect(parseLiveEvent("APPROVED", "not json")).toBeUndefined();
    expect(parseLiveEvent("APPROVED", JSON.stringify({ actionId: "a" }))).toBeUndefined();
    expect(parseLiveEvent("APPROVED", "null")).toBeUndefined();
  });
});

describe("LiveConnection", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("goes live on open, passes events on, and refetches once after an unresumed open", () => {
    const t = setup();
    t.connection.start();
    expect(t.sources).toHaveLength(1);
    expect(t.last().url).toBe("/remediation/events/stream");
    expect(t.statuses).toEqual(["connecting"]);
    t.last().open();
    expect(t.statuses).toEqual(["connecting", "live"]);
    expect(t.unresumed).toHaveLength(1);
    t.last().emit("APPROVED", approved(42), "42");
    expect(t.events).toEqual([{ seq: 42, type: "APPROVED", actionId: "act-1", incidentId: "inc-1" }]);
    t.connection.stop();
    expect(t.last().closed).toBe(true);
  });

  it("lets EventSource retry a dropped stream itself; its resumed reopen refetches nothing", () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().emit("APPROVED", approved(5), "5");
    t.last().drop();
    expect(t.statuses.at(-1)).toBe("reconnecting");
    vi.advanceTimersByTime(MAX_BACKOFF_MS);
    expect(t.sources).toHaveLength(1);
    t.last().open();
    expect(t.statuses.at(-1)).toBe("live");
    expect(t.unresumed).toHaveLength(1);
  });

  it("after a drop with no event seen yet, refetches what was read before the reopen", () => {
    const t = setup();
    t.connection.start();
    const started = Date.now();
    vi.advanceTimersByTime(100);
    t.last().open();
    expect(t.unresumed).toEqual([started]);
    vi.advanceTimersByTime(60_000);
    t.last().drop();
    vi.advanceTimersByTime(3_000);
    t.last().open();
    expect(t.unresumed).toEqual([started, started + 63_100]);
  });

  it("recreates a closed stream with exponential backoff up to 30 s, resuming after the last seq", () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().emit("EXECUTION_SUCCEEDED", approved(9), "9");
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      const count = t.sources.length;
      t.last().fail();
      let waited = 0;
      while (t.sources.length === count) {
        vi.advanceTimersByTime(250);
        waited += 250;
      }
      delays.push(waited);
      expect(t.last().url).toBe("/remediation/events/stream?since=9");
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(t.statuses).toContain("reconnecting");
    expect(t.statuses.at(-1)).toBe("offline");
    t.last().open();
    expect(t.statuses.at(-1)).toBe("live");
    // Resumed: the server replays what was missed, nothing needs a blanket refetch.
    expect(t.unresumed).toHaveLength(1);
    // A later failure starts the backoff from the beginning again.
    t.last().fail();
    vi.advanceTimersByTime(1_000);
    expect(t.sources).toHaveLength(9);
  });

  it("closes at once when the browser goes offline and reconnects (resuming) when it is back", () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().emit("REJECTED", approved(3), "3");
    t.network.set(false);
    expect(t.last().closed).toBe(true);
    expect(t.statuses.at(-1)).toBe("offline");
    vi.advanceTimersByTime(MAX_BACKOFF_MS * 2);
    expect(t.sources).toHaveLength(1);
    t.network.set(true);
    expect(t.sources).toHaveLength(2);
    expect(t.last().url).toBe("/remediation/events/stream?since=3");
    expect(t.statuses.at(-1)).toBe("reconnecting");
    t.last().open();
    expect(t.statuses.at(-1)).toBe("live");
  });

  it("starts offline without a network and connects when it comes", () => {
    const t = setup({ online: false });
    t.connection.start();
    expect(t.sources).toHaveLength(0);
    expect(t.statuses).toEqual(["offline"]);
    t.network.set(true);
    expect(t.sources).toHaveLength(1);
  });

  it("a reset (or an unreadable frame) asks for a full refetch and moves the resume point", () => {
    const t = setup();
    t.connection.start();
    t.last().open();
    t.last().emit("reset", { seq: 20_000 }, "20000");
    expect(t.resets).toHaveLength(1);
    t.last().emit("APPROVED", "{broken", "20001");
    expect(t.resets).toHaveLength(2);
    t.last().fail();
    vi.advanceTimersByTime(1_000);
    expect(t.last().url).toBe("/remediation/events/stream?since=20000");
  });

  it("ignores a source it has already replaced, and stops for good", () => {
    const t = setup();
    t.connection.start();
    const first = t.last();
    t.network.set(true);
    expect(t.sources).toHaveLength(2);
    first.emit("APPROVED", approved(1), "1");
    first.open();
    expect(t.events).toHaveLength(0);
    expect(t.statuses).not.toContain("live");
    t.connection.stop();
    t.network.set(true);
    expect(t.sources).toHaveLength(2);
  });
});
