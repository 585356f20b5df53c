import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSealJob } from "@/server/audit/jobs";
import { db } from "@/server/db/client";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import { waitForAllSealed } from "@/test/audit-fixtures";
import { waitFor } from "@/test/execution-fixtures";
import { bearer, createOrganization } from "@/test/factories";
import {
  appendEvents,
  type EventStream,
  holdPool,
  listenBackends,
  openSilentStream,
  openStream,
  type RunningServer,
  seqsOf,
  startStreamServer,
} from "@/test/live-fixtures";
import { liveHub, MAX_REPLAY } from "./hub";
import { MAX_BUFFERED_BYTES } from "./serve-stream";

// Issue 15: a slow client has a bounded buffer (reset, then closed); clients that leave free
// everything the server held for them (no leak across 1,000 connect/disconnect cycles).
let server: RunningServer;
let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker([auditSealJob]);
  server = await startStreamServer();
});

afterAll(async () => {
  await server?.close();
  await worker?.stop();
});

const hubSize = () => liveHub(db()).size;

/** Events whose frames are ~4.5 KB each (the action row carries a 4,000-character detail). */
const BIG_ACTION = { details: { note: "x".repeat(4000) } };

describe("a client that does not read", () => {
  it("gets event: reset once its unread bytes pass the limit, is closed, and leaves the hub", async () => {
    const org = await createOrganization("slow");
    const slow = await openSilentStream(server.port, await bearer(org));
    await waitFor(async () => hubSize() === 1, { what: "the silent stream in the hub" });
    // ~13.5 MB of frames: more than the kernel's socket buffers (a few MB on loopback) plus the limit.
    const burst = 3_000;
    expect(burst).toBeLessThanOrEqual(MAX_REPLAY);
    await appendEvents(org, burst, { action: BIG_ACTION });
    await waitForAllSealed(org, burst, 30_000);

    await waitFor(async () => hubSize() === 0, { timeoutMs: 30_000, what: "the slow stream to be dropped" });

    // Reading now: what was sent before the reset, the reset, and the end of the response.
    const { answer, frames } = await slow.drain();
    slow.close();
    expect(answer.status).toBe(200);
    const events = frames.filter((f) => f.event !== undefined);
    const resets = events.filter((f) => f.event === "reset");
    expect(resets, "exactly one reset").toHaveLength(1);
    expect(events.at(-1)!.event, "the reset is the last frame").toBe("reset");
    const delivered = seqsOf(events);
    expect(delivered.length, "cut short").toBeLessThan(burst);
    expect(delivered).toEqual(delivered.map((_, i) => i + 1));
    // The reset names the last seq sent: resuming from it loses nothing.
    expect(Number(resets[0]!.id)).toBe(delivered.at(-1));
    expect(JSON.parse(resets[0]!.data!)).toEqual({ seq: delivered.at(-1) });
    // What was written before the reset is bounded: the kernel's buffers plus at most the limit and one batch.
    expect(answer.body.length).toBeLessThan(16 * 1024 * 1024 + MAX_BUFFERED_BYTES);
  }, 90_000);

  it("a fast reader on the same organization during that burst gets every event", async () => {
    const org = await createOrganization("slow-and-fast");
    const slow = await openSilentStream(server.port, await bearer(org));
    const fast = await openStream(server.base, { authorization: await bearer(org) });
    await waitFor(async () => hubSize() === 2, { what: "both streams in the hub" });
    await appendEvents(org, 3_000, { action: BIG_ACTION });
    const events = await fast.waitForEvents(3_000, { timeoutMs: 60_000 });
    expect(seqsOf(events)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    await waitFor(async () => hubSize() === 1, { timeoutMs: 30_000, what: "only the slow stream to be dropped" });
    fast.close();
    slow.close();
    await waitFor(async () => hubSize() === 0, { what: "the hub to be empty" });
  }, 90_000);
});

describe("clients that leave", () => {
  it("1,000 connect/disconnect cycles, many mid-burst, leave no stream in the hub and no extra LISTEN connection", async () => {
    const org = await createOrganization("cycles");
    await appendEvents(org, 50);
    await waitForAllSealed(org, 50);
    // The process's one listener (the sealer's and the hub's; pg-boss has its own, not counted).
    const ourListeners = async () =>
      (await listenBackends()).filter((b) => b.query.includes("rcc_audit")).map((b) => b.pid);
    const listenersBefore = await ourListeners();
    expect(listenersBefore).toHaveLength(1);

    let writing = true;
    const writer = (async () => {
      while (writing) await appendEvents(org, 20);
    })();
    const authorization = await bearer(org);
    let cycle = 0;
    let opened = 0;
    async function lane(): Promise<void> {
      while (cycle < 1_000) {
        const n = cycle++;
        // A third leave at once, a third after the first event, a third a few events into a replay.
        const stream: EventStream = await openStream(server.base, {
          authorization,
          ...(n % 3 === 2 ? { query: `?since=${n % 40}` } : {}),
        });
        expect(stream.status).toBe(200);
        opened++;
        if (n % 3 === 1) await stream.waitForEvents(1, { timeoutMs: 10_000 }).catch(() => {});
        if (n % 3 === 2) await stream.waitForEvents(3, { timeoutMs: 10_000 }).catch(() => {});
        stream.close();
      }
    }
    await Promise.all(Array.from({ length: 20 }, lane));
    writing = false;
    await writer;
    expect(opened).toBe(1_000);

    await waitFor(async () => (await server.connections()) === 0, { what: "every connection closed" });
    await waitFor(async () => hubSize() === 0, { timeoutMs: 10_000, what: "the hub to be empty" });
    // The same one connection as before: never re-opened, never a second one.
    expect(await ourListeners()).toEqual(listenersBefore);
  }, 180_000);

  it("a client that hangs up before its stream is registered (the database busy) leaves nothing in the hub", async () => {
    const org = await createOrganization("early-leave");
    const authorization = await bearer(org);
    // First request of the organization in this process: its row is provisioned now, not later.
    const first = await openStream(server.base, { authorization });
    await waitFor(async () => hubSize() === 1, { what: "the first stream in the hub" });
    first.close();
    await waitFor(async () => hubSize() === 0, { what: "the first stream to leave" });

    // Every connection of the process pool busy: the stream's first read (the chain head) waits.
    const pool = await holdPool();
    try {
      const stream = await openStream(server.base, { authorization });
      expect(stream.status).toBe(200);
      await waitFor(async () => pool.waiting() > 0, { what: "the stream's read to wait for a connection" });
      stream.close();
      await waitFor(async () => (await server.connections()) === 0, { what: "the server to see the client leave" });
    } finally {
      // The read completes now; the stream it was for is gone.
      await pool.release();
    }
    const seen: number[] = [];
    try {
      // Absence over a window: the hub must stay empty, not merely be empty before the read returns.
      for (let i = 0; i < 20; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        seen.push(hubSize());
      }
      expect(
        seen.every((n) => n === 0),
        `hub size after the client left: ${seen.join(",")}`,
      ).toBe(true);
    } finally {
      // Clean-up for the files' other tests: an event makes the hub drop a sink whose client is gone.
      await appendEvents(org, 1);
      await waitFor(async () => hubSize() === 0, { what: "the hub to drop the dead sink" });
    }
  });
});
