import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { waitForAllSealed } from "@/test/audit-fixtures";
import { callerFor } from "@/test/calls";
import { waitFor } from "@/test/execution-fixtures";
import { bearer, createIncident, createOrganization, requestBody } from "@/test/factories";
import {
  appendEvents,
  type EventStream,
  listenBackends,
  sealAll,
  seqsOf,
  streamServerSuite,
  terminateBackend,
} from "@/test/live-fixtures";
import { liveHub } from "./hub";

// Issue 15: PostgreSQL drops the process's LISTEN connection (pg_terminate_backend: what a restart
// or a network cut does to it) while streams are open. The listener reconnects (1 s later) and
// the hub catches up from its cursors: nothing lost, nothing twice.
const suite = streamServerSuite();

async function openFor(org: string, query = "?since=0"): Promise<EventStream> {
  const stream = await suite.open({ authorization: await bearer(org), query });
  expect(stream.status, stream.text()).toBe(200);
  return stream;
}

/** The process's listener connection (the sealer's and the hub's). */
async function listenerPid(): Promise<number> {
  const ours = (await listenBackends()).filter((b) => b.query.includes("rcc_audit"));
  expect(ours, "one listener connection").toHaveLength(1);
  return ours[0]!.pid;
}

const waitForNewListener = (old: number) =>
  waitFor(
    async () => {
      const ours = (await listenBackends()).filter((b) => b.query.includes("rcc_audit") && b.pid !== old);
      return ours[0]?.pid;
    },
    { timeoutMs: 10_000, what: "the listener to reconnect" },
  );

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("the LISTEN connection lost under open streams", () => {
  it("events written before, while and after it is down all arrive, in seq order, once", async () => {
    const org = await createOrganization("relisten");
    const incidentId = await createIncident(org);
    const request = () => callerFor(org).remediation.request(requestBody(incidentId));
    const [fromStart, fromNow] = [await openFor(org), await openFor(org, "")];
    await waitFor(async () => liveHub(db()).size === 2, { what: "both streams in the hub" });
    for (let i = 0; i < 3; i++) await request();
    await fromStart.waitForEvents(3);

    const old = await listenerPid();
    await terminateBackend(old);
    // While nobody listens (the reconnect waits 1 s): written and sealed here, their NOTIFYs are
    // lost, and the sealer's sweep after the reconnect finds nothing left to seal (no NOTIFY then
    // either). Only the hub's catch-up from its cursors can deliver them.
    for (let i = 0; i < 3; i++) await request();
    await appendEvents(org, 10);
    await sealAll(org);
    const stillDown = !(await listenBackends()).some((b) => b.query.includes("rcc_audit"));
    await waitForNewListener(old);
    expect(stillDown, "written and sealed before the listener was back").toBe(true);
    expect(seqsOf(await fromStart.waitForEvents(16, { timeoutMs: 5_000 }))).toEqual(range(1, 16));
    for (let i = 0; i < 3; i++) await request();

    const total = 3 + 3 + 10 + 3;
    await waitForAllSealed(org, total);
    expect(seqsOf(await fromStart.waitForEvents(total, { what: `all ${total} events` }))).toEqual(range(1, total));
    expect(seqsOf(await fromNow.waitForEvents(total, { what: `all ${total} events` }))).toEqual(range(1, total));
  }, 60_000);

  it("lost in the middle of a burst, and twice in a row: the stream still gets every event once", async () => {
    const org = await createOrganization("relisten-burst");
    const stream = await openFor(org);
    await waitFor(async () => liveHub(db()).size === 1, { what: "the stream in the hub" });
    let written = 0;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await appendEvents(org, 25);
        written += 25;
      }
    })();
    try {
      await stream.waitForEvents(50, { timeoutMs: 20_000 });
      for (let kill = 0; kill < 2; kill++) {
        const old = await listenerPid();
        await terminateBackend(old);
        await waitForNewListener(old);
        const seen = stream.events().length;
        await stream.waitForEvents(seen + 50, { timeoutMs: 20_000, what: "events after the reconnect" });
      }
    } finally {
      writing = false;
      await writer;
    }
    await waitForAllSealed(org, written);
    expect(seqsOf(await stream.waitForEvents(written, { timeoutMs: 20_000 }))).toEqual(range(1, written));
  }, 90_000);

  it("a stream opened while the connection is down gets its replay and then the events after the reconnect", async () => {
    const org = await createOrganization("relisten-open");
    const incidentId = await createIncident(org);
    await appendEvents(org, 4);
    await waitForAllSealed(org, 4);
    // The hub listens only while it has streams; one held for the test keeps its subscription.
    const holder = await openFor(org, "");
    await waitFor(async () => liveHub(db()).size === 1, { what: "the holder in the hub" });
    const old = await listenerPid();
    await terminateBackend(old);
    const opened = await openFor(org, "?since=2");
    expect(seqsOf(await opened.waitForEvents(2))).toEqual([3, 4]);
    await waitForNewListener(old);
    await callerFor(org).remediation.request(requestBody(incidentId));
    expect(seqsOf(await opened.waitForEvents(3))).toEqual([3, 4, 5]);
    expect(seqsOf(await holder.waitForEvents(1))).toEqual([5]);
  }, 30_000);
});
