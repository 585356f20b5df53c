/**
 * The browser's side of `GET /remediation/events/stream` (docs/behaviour.md#live-stream), free of
 * React: one EventSource, its status, resume and reconnect. EventSource reconnects on its own
 * after a dropped stream (sending `Last-Event-ID`); when it gives up (an HTTP error, `next dev`
 * not serving the stream) it is recreated with exponential backoff and `?since=<last seq>`.
 */

const LIVE_STREAM_URL = "/remediation/events/stream";

/** The event types an action's history can hold (docs/behaviour.md#event-rules). */
const ACTION_EVENT_TYPES = [
  "REQUESTED",
  "APPROVAL_RECORDED",
  "APPROVED",
  "OVERRIDDEN",
  "REJECTED",
  "EXPIRED",
  "EXECUTION_STARTED",
  "EXECUTION_RETRY",
  "EXECUTION_SUCCEEDED",
  "EXECUTION_FAILED",
  "APPROVAL_BLOCKED",
  "OVERRIDE_REVIEWED",
  "OVERRIDE_REVIEW_OVERDUE",
] as const;

/** `connecting` only before the first open; `offline` = no network, or the stream keeps failing. */
export type LiveStatus = "connecting" | "live" | "reconnecting" | "offline";

/** What the UI needs of an event: which action, and which incident's history it belongs to. */
export interface LiveEvent {
  seq: number;
  type: string;
  actionId: string | null;
  /** `data.action.incidentId`; null when the event carries no action row. */
  incidentId: string | null;
}

/** The part of EventSource this module uses (tests pass a fake). */
export interface EventSourceLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
  close(): void;
}

/** The part of `window` this module uses: the network state and its events. */
export interface NetworkLike {
  readonly onLine: boolean;
  addEventListener(type: "online" | "offline", listener: () => void): void;
  removeEventListener(type: "online" | "offline", listener: () => void): void;
}

export interface LiveConnectionOptions {
  createSource: (url: string) => EventSourceLike;
  network: NetworkLike;
  onStatus: (status: LiveStatus) => void;
  onEvent: (event: LiveEvent) => void;
  /** `event: reset`, or an event the client cannot read: everything shown must be refetched. */
  onReset: () => void;
  /**
   * The stream is open without a resume point (no seq seen yet): events committed before it
   * were not replayed, so data fetched before `before` must be refetched.
   */
  onOpenUnresumed: (before: number) => void;
  url?: string;
  now?: () => number;
}

const CLOSED = 2;
const FIRST_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 30_000;
/** Consecutive failed attempts after which the indicator says Offline rather than Reconnecting. */
const FAILURES_UNTIL_OFFLINE = 3;

/** Reads a frame's data; undefined when it is not the documented shape. */
export function parseLiveEvent(type: string, data: string): LiveEvent | undefined {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!body || typeof body !== "object") return undefined;
  const { seq, actionId, action } = body as { seq?: unknown; actionId?: unknown; action?: unknown };
  if (typeof seq !== "number" || !Number.isSafeInteger(seq)) return undefined;
  const incidentId =
    action && typeof action === "object" && typeof (action as { incidentId?: unknown }).incidentId === "string"
      ? (action as { incidentId: string }).incidentId
      : null;
  return { seq, type, actionId: typeof actionId === "string" ? actionId : null, incidentId };
}

export class LiveConnection {
  private source: EventSourceLike | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSeq: number | undefined;
  private failures = 0;
  private opened = false;
  private stopped = true;
  private status: LiveStatus | undefined;
  private readonly url: string;
  private readonly now: () => number;

  constructor(private readonly options: LiveConnectionOptions) {
    this.url = options.url ?? LIVE_STREAM_URL;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.options.network.addEventListener("online", this.onOnline);
    this.options.network.addEventListener("offline", this.onOffline);
    if (this.options.network.onLine) this.connect();
    else this.setStatus("offline");
  }

  stop(): void {
    this.stopped = true;
    this.options.network.removeEventListener("online", this.onOnline);
    this.options.network.removeEventListener("offline", this.onOffline);
    this.teardown();
  }

  private readonly onOnline = () => {
    if (this.stopped) return;
    this.failures = 0;
    this.teardown();
    this.setStatus(this.opened ? "reconnecting" : "connecting");
    this.connect();
  };

  /** An open stream may hang on without a network; close it and say so at once. */
  private readonly onOffline = () => {
    if (this.stopped) return;
    this.teardown();
    this.setStatus("offline");
  };

  private teardown(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const source = this.source;
    this.source = undefined;
    source?.close();
  }

  private connect(): void {
    const attemptStartedAt = this.now();
    const resumeFrom = this.lastSeq;
    const url = resumeFrom === undefined ? this.url : `${this.url}?since=${resumeFrom}`;
    const source = this.options.createSource(url);
    this.source = source;
    if (!this.opened && this.failures === 0) this.setStatus("connecting");

    source.onopen = () => {
      if (source !== this.source) return;
      // The first page load's reads started with the attempt; after a drop, anything read before
      // this open may lack what happened meanwhile.
      const unresumedBefore = this.opened ? this.now() : attemptStartedAt;
      this.opened = true;
      this.failures = 0;
      this.setStatus("live");
      // EventSource's own reconnects send Last-Event-ID once any id arrived: those resume too.
      if (this.lastSeq === undefined) this.options.onOpenUnresumed(unresumedBefore);
    };
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState !== CLOSED) {
        // EventSource retries by itself (after the stream's `retry: 3000`).
        this.setStatus("reconnecting");
        return;
      }
      this.source = undefined;
      source.close();
      this.failures += 1;
      this.setStatus(
        !this.options.network.onLine || this.failures >= FAILURES_UNTIL_OFFLINE ? "offline" : "reconnecting",
      );
      const delay = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (this.failures - 1));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (!this.stopped && this.options.network.onLine) this.connect();
      }, delay);
    };
    for (const type of ACTION_EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        if (source !== this.source) return;
        const event = parseLiveEvent(type, message.data);
        if (!event) return this.options.onReset();
        this.lastSeq = Math.max(this.lastSeq ?? 0, event.seq);
        this.options.onEvent(event);
      });
    }
    source.addEventListener("reset", (message) => {
      if (source !== this.source) return;
      const seq = Number(message.lastEventId);
      if (message.lastEventId !== "" && Number.isSafeInteger(seq) && seq >= 0) this.lastSeq = seq;
      this.options.onReset();
    });
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(status);
  }
}
