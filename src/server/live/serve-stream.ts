import type { ServerResponse } from "node:http";
import { watchToken } from "@/server/auth/registered-tokens";
import { resolvePrincipal } from "@/server/auth/resolve-principal";
import { db } from "@/server/db/client";
import { AppError } from "@/server/errors";
import { authorize } from "@/server/trpc";
import { type LiveSink, liveHub, type SerializedEvent } from "./hub";

export const EVENT_STREAM_PATH = "/remediation/events/stream";

/** `: ping` this often, so proxies and the server's idle timeout never close a quiet stream. */
const PING_MS = 15_000;
/** A client that lets this much pile up unread is sent `event: reset` and closed. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** …and its socket destroyed if it has not read that to the end this much later. */
const GIVE_UP_MS = 10_000;

/** `Last-Event-ID` header, else `?since=`: a seq (non-negative integer), or undefined for "from now". */
function parseSince(headers: Headers, url: URL): number | undefined {
  const raw = headers.get("last-event-id") ?? url.searchParams.get("since");
  if (raw === null || raw.trim() === "") return undefined;
  const value = raw.trim();
  if (!/^\d{1,15}$/.test(value)) {
    throw new AppError("BAD_REQUEST", "Last-Event-ID (or since) must be a non-negative integer event seq", {
      issues: [
        { path: headers.has("last-event-id") ? "Last-Event-ID" : "since", message: "must be a non-negative integer" },
      ],
    });
  }
  return Number(value);
}

const frame = (e: SerializedEvent) => `id: ${e.seq}\nevent: ${e.type}\ndata: ${e.data}\n\n`;
const resetFrame = (seq: number) => `id: ${seq}\nevent: reset\ndata: ${JSON.stringify({ seq })}\n\n`;

/**
 * GET /remediation/events/stream (docs/behaviour.md#live-stream): checks the caller like every
 * REST route (401/403, then 400 for a bad Last-Event-ID), then holds the response open as
 * text/event-stream fed by the process's hub. Closed when the client leaves, when its
 * credential expires or is revoked, or when it reads too slowly (reset first).
 */
export async function serveEventStream(request: { headers: Headers; url: URL }, res: ServerResponse): Promise<void> {
  const principal = authorize(await resolvePrincipal(request), "remediation:view");
  const since = parseSince(request.headers, request.url);
  const hub = liveHub(db());

  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    "x-accel-buffering": "no",
  });
  // The 200 leaves with the first frame (a replay's, or `: connected`): a client that sees the
  // stream open is registered, so anything committed from then on reaches it.

  let open = true;
  const close = (overflowed = false) => {
    if (!open) return;
    open = false;
    clearInterval(ping);
    clearTimeout(expiry);
    unwatch();
    hub.remove(sink);
    res.end();
    // A reset client that never reads must not hold its buffer until the idle timeout.
    if (overflowed) setTimeout(() => res.destroy(), GIVE_UP_MS).unref();
  };
  const write = (text: string): boolean => {
    if (!open) return false;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      res.write(resetFrame(sink.cursor));
      close(true);
      return false;
    }
    res.write(text);
    return true;
  };
  const sink: LiveSink = {
    organizationId: principal.organizationId,
    cursor: 0,
    get open() {
      return open;
    },
    deliver: (events) => write(events.map(frame).join("")),
    reset: (seq) => write(resetFrame(seq)),
    drained: () =>
      res.writableLength <= res.writableHighWaterMark || !open
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => {
              res.off("drain", done);
              res.off("close", done);
              resolve();
            };
            res.on("drain", done);
            res.on("close", done);
          }),
  };

  const ping = setInterval(() => write(": ping\n\n"), PING_MS);
  ping.unref();
  // A token's stream ends with the token (its exp + the clock tolerance); a session's with the session.
  const remaining = principal.validUntilMs === undefined ? undefined : principal.validUntilMs - Date.now();
  const expiry = setTimeout(close, Math.max(0, Math.min(remaining ?? 2 ** 31 - 1, 2 ** 31 - 1)));
  expiry.unref();
  // A registered token's stream also ends when the token is revoked (docs/behaviour.md#api-tokens).
  const unwatch = watchToken(principal, () => close());
  res.on("close", () => close());

  // Registered (replay done, LISTEN active, head read) before the client hears it is live:
  // anything committed after `: connected` reaches it.
  await hub.add(sink, since);
  // The client may have left (or the token expired) while it was being registered.
  if (!open) hub.remove(sink);
  // `id:` without data sets the client's Last-Event-ID: a stream that has seen no event yet
  // still resumes from exactly here.
  else write(`id: ${sink.cursor}\nretry: 3000\n: connected\n\n`);
}
