import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { waitForAllSealed } from "@/test/audit-fixtures";
import { callerFor } from "@/test/calls";
import { waitFor } from "@/test/execution-fixtures";
import { bearer, createIncident, createOrganization, requestBody } from "@/test/factories";
import {
  appendEvents,
  dataOf,
  type EventStream,
  type StreamOptions,
  seqsOf,
  streamServerSuite,
} from "@/test/live-fixtures";
import { liveHub, MAX_REPLAY } from "./hub";

// Resuming the live stream (docs/behaviour.md#live-stream): `Last-Event-ID` (or `?since=`) replays the events after that seq, in order,
// then streams live; more than 10,000 behind → one `event: reset`, then live.
const suite = streamServerSuite();

async function openFor(org: string, extra: Omit<StreamOptions, "authorization"> = {}): Promise<EventStream> {
  const stream = await suite.open({ authorization: await bearer(org), ...extra });
  expect(stream.status, stream.text()).toBe(200);
  return stream;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** An organization with `count` sealed events (one action's), and an incident to request on. */
async function organizationWithEvents(prefix: string, count: number) {
  const org = await createOrganization(prefix);
  const incidentId = await createIncident(org);
  const seededAction = await appendEvents(org, count);
  await waitForAllSealed(org, count, 60_000);
  return { org, incidentId, seededAction };
}

const request = async (org: string, incidentId: string) =>
  (await callerFor(org).remediation.request(requestBody(incidentId))).action.id;

describe("resume", () => {
  for (const [how, extra] of [
    ["Last-Event-ID: 2", { lastEventId: "2" }],
    ["?since=2", { query: "?since=2" }],
  ] as const) {
    it(`${how} → the events after 2, in order, then live`, async () => {
      const { org, incidentId } = await organizationWithEvents("resume", 6);
      const stream = await openFor(org, extra);
      expect(seqsOf(await stream.waitForEvents(4))).toEqual([3, 4, 5, 6]);
      const live = await request(org, incidentId);
      const events = await stream.waitForEvents(5);
      expect(seqsOf(events)).toEqual([3, 4, 5, 6, 7]);
      expect(dataOf(events[4]!)).toMatchObject({ seq: 7, actionId: live, type: "REQUESTED" });
      expect(events.some((e) => e.event === "reset")).toBe(false);
    });
  }

  it("Last-Event-ID: 0 replays everything; the head's seq replays nothing; an empty value is 'from now'", async () => {
    const { org, incidentId } = await organizationWithEvents("resume-edges", 3);
    const fromZero = await openFor(org, { lastEventId: "0" });
    const atHead = await openFor(org, { lastEventId: "3" });
    const empty = await openFor(org, { lastEventId: "" });
    expect(seqsOf(await fromZero.waitForEvents(3))).toEqual([1, 2, 3]);
    await waitFor(async () => liveHub(db()).size === 3, { what: "3 streams in the hub" });
    await request(org, incidentId);
    expect(seqsOf(await fromZero.waitForEvents(4))).toEqual([1, 2, 3, 4]);
    expect(seqsOf(await atHead.waitForEvents(1))).toEqual([4]);
    expect(seqsOf(await empty.waitForEvents(1))).toEqual([4]);
  });

  it("streams resumed while events keep coming: every one gapless and without duplicates from its seq on", async () => {
    const { org } = await organizationWithEvents("resume-busy", 20);
    let writing = true;
    // Bounded: an unthrottled writer can outrun the resumes by more than the replay limit
    // (10,000), and a stream that far behind is rightly sent a reset instead.
    let written = 0;
    const writer = (async () => {
      while (writing && written < 1500) {
        await appendEvents(org, 3);
        written += 3;
      }
    })();
    const resumed: { since: number; stream: EventStream }[] = [];
    for (let since = 0; since <= 40; since += 4) {
      await waitForAllSealed(org, since);
      resumed.push({ since, stream: await openFor(org, { lastEventId: String(since) }) });
    }
    writing = false;
    await writer;
    // Every event written reaches every stream (each appendEvents also creates its action: no other events).
    const total = await waitForAllSealed(org, 20);
    for (const { since, stream } of resumed) {
      const events = await stream.waitForEvents(total - since, { what: `seq ${since + 1}…${total}` });
      expect(seqsOf(events), `resumed after ${since}`).toEqual(range(since + 1, total));
    }
  }, 60_000);
});

describe(`more than ${MAX_REPLAY} missed events`, () => {
  it(`${MAX_REPLAY + 1} behind → exactly one event: reset (at the head), then live; ${MAX_REPLAY} behind → the full replay`, async () => {
    const head = MAX_REPLAY + 1;
    const { org, incidentId, seededAction } = await organizationWithEvents("reset", head);

    const viaHeader = await openFor(org, { lastEventId: "0" });
    const viaQuery = await openFor(org, { query: "?since=0" });
    for (const stream of [viaHeader, viaQuery]) {
      const [reset] = await stream.waitForEvents(1);
      expect(reset!.raw).toBe(`id: ${head}\nevent: reset\ndata: ${JSON.stringify({ seq: head })}`);
    }
    // Exactly at the limit: replayed in full, in order, no reset (to a client that reads as fast as it can).
    const replay = await openFor(org, { lastEventId: "1" });
    const replayed = await replay.waitForEvents(MAX_REPLAY, {
      timeoutMs: 60_000,
      what: `${MAX_REPLAY} replayed events`,
    });
    expect(replayed.filter((e) => e.event === "reset").map((e) => e.raw)).toEqual([]);
    expect(seqsOf(replayed)).toEqual(range(2, head));
    expect(replayed.every((e) => dataOf(e).actionId === seededAction)).toBe(true);

    await waitFor(async () => liveHub(db()).size === 3, { what: "3 streams in the hub" });
    const live = await request(org, incidentId);
    for (const stream of [viaHeader, viaQuery]) {
      const events = await stream.waitForEvents(2);
      expect(events.map((e) => [e.event, Number(e.id)])).toEqual([
        ["reset", head],
        ["REQUESTED", head + 1],
      ]);
      expect(dataOf(events[1]!).actionId).toBe(live);
    }
    const after = await replay.waitForEvents(MAX_REPLAY + 1);
    expect(seqsOf(after).at(-1)).toBe(head + 1);
    // Resuming from the reset's id replays what came after it, then goes on live.
    const resumedAfterReset = await openFor(org, { lastEventId: String(head) });
    expect(seqsOf(await resumedAfterReset.waitForEvents(1))).toEqual([head + 1]);
    await waitFor(async () => liveHub(db()).size === 4, { what: "4 streams in the hub" });
    await request(org, incidentId);
    expect(seqsOf(await resumedAfterReset.waitForEvents(2))).toEqual([head + 1, head + 2]);
  }, 120_000);
});

describe("a replay to a client slower than loopback", () => {
  // ~7 MB of frames for 10,000 typical events, read at 500 kB/s (4 Mbit/s: a slow mobile link).
  // Within MAX_REPLAY the contract promises the replay; the server's buffer limit must not turn
  // a client that does read into a reset because the replay is read from the database faster
  // than the link drains it.
  it(`${MAX_REPLAY} missed events read at 500 kB/s: the full replay, no reset`, async () => {
    const head = MAX_REPLAY;
    const { org } = await organizationWithEvents("replay-slow-link", head);
    const stream = await openFor(org, { lastEventId: "0", readBytesPerSecond: 500_000 });
    const events = await stream
      .waitForEvents(head, { timeoutMs: 60_000, what: `${head} replayed events` })
      .catch((error: Error) => {
        const reset = stream.events().find((e) => e.event === "reset");
        if (!reset) throw error;
        throw new Error(
          `reset after ${stream.events().length - 1} of ${head} events (${stream.text().length} bytes read): ${reset.raw}`,
        );
      });
    expect(events.filter((e) => e.event === "reset").map((e) => e.raw)).toEqual([]);
    expect(seqsOf(events)).toEqual(range(1, head));
  }, 120_000);
});
