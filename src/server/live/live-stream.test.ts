import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { sealOrganization } from "@/server/audit/sealer";
import { authSecret } from "@/server/auth/secret";
import { nowSeconds, SESSION_MAX_AGE_SECONDS } from "@/server/auth/session-token";
import { createPrismaClient, db, transaction } from "@/server/db/client";
import { appendEvent } from "@/server/db/stores/events";
import { waitForAllSealed } from "@/test/audit-fixtures";
import { callerFor } from "@/test/calls";
import { waitFor } from "@/test/execution-fixtures";
import { bearer, createAction, createIncident, createOrganization, createUser, requestBody } from "@/test/factories";
import {
  answerOf,
  appendEvents,
  dataOf,
  type EventStream,
  openSilentStream,
  type StreamOptions,
  seqsOf,
  streamServerSuite,
} from "@/test/live-fixtures";
import { liveHub } from "./hub";

// The live stream (docs/behaviour.md#live-stream) in one process: the custom server's fast path (createHttpServer) on a free port,
// the audit sealer of a worker (startWorker([auditSealJob])), streams opened over real sockets.
const suite = streamServerSuite();

const open = (options: StreamOptions): Promise<EventStream> => suite.open(options);

/** A 200 stream of the organization (every permission), registered in the hub (`registered` streams in all). */
async function openFor(org: string, extra: Omit<StreamOptions, "authorization"> = {}, registered?: number) {
  const stream = await open({ authorization: await bearer(org), ...extra });
  expect(stream.status, stream.text()).toBe(200);
  if (registered !== undefined) {
    await waitFor(async () => liveHub(db()).size === registered, { what: `${registered} streams in the hub` });
  }
  return stream;
}

const request = async (org: string, incidentId: string) =>
  (await callerFor(org).remediation.request(requestBody(incidentId, { environment: "production" }))).action.id;

describe("GET /remediation/events/stream", () => {
  it("streams a new event of the organization, with its action", async () => {
    const org = await createOrganization("live");
    const incidentId = await createIncident(org);
    const stream = await openFor(org, {}, 1);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(stream.headers["cache-control"]).toBe("no-store");
    const actionId = await request(org, incidentId);
    const [event] = await stream.waitForEvents(1);
    expect(event).toMatchObject({ id: "1", event: "REQUESTED" });
    // Exactly `id:`, `event:`, `data:` (one line of JSON), then the blank line.
    expect(event!.raw).toBe(`id: 1\nevent: REQUESTED\ndata: ${event!.data}`);
    const data = dataOf(event!);
    expect(Object.keys(data).sort()).toEqual(["action", "actionId", "actor", "createdAt", "seq", "type"]);
    expect(data).toMatchObject({
      seq: 1,
      actionId,
      type: "REQUESTED",
      actor: "user-1",
      action: { id: actionId, organizationId: org, status: "PENDING_APPROVAL" },
    });
    expect(new Date(data.createdAt).toISOString()).toBe(data.createdAt);
    // The retry hint and the `: connected` comment came first.
    expect(stream.frames[0]).toMatchObject({ retry: "3000", comments: ["connected"] });
  });

  it("each event carries its action as it is when the event is sent", async () => {
    const org = await createOrganization("live-as-sent");
    const incidentId = await createIncident(org);
    const stream = await openFor(org, {}, 1);
    const actionId = await request(org, incidentId);
    await stream.waitForEvents(1);
    await callerFor(org, { userId: "approver-1" }).remediation.approve({ id: actionId });
    const events = await stream.waitForEvents(2);
    expect(events.map((e) => [e.event, dataOf(e).action?.status])).toEqual([
      ["REQUESTED", "PENDING_APPROVAL"],
      ["APPROVED", "QUEUED"],
    ]);
  });

  it("a signed-in browser session opens the stream with its cookie; a session without membership is a 401", async () => {
    const org = await createOrganization("live-session");
    const viewer = await createUser(org, { role: "viewer" });
    const cookie = async (userId: string) => {
      const token = await encode({
        token: {
          userId,
          organizationId: org,
          role: "viewer",
          permissions: ["remediation:view"],
          signedInAt: nowSeconds(),
        },
        secret: authSecret(),
      });
      return { cookie: `next-auth.session-token=${token}` };
    };
    const stream = await open({ authorization: null, headers: await cookie(viewer.id) });
    expect(stream.status, stream.text()).toBe(200);
    await waitFor(async () => liveHub(db()).size === 1, { what: "the session's stream in the hub" });
    const actionId = await request(org, await createIncident(org));
    expect(dataOf((await stream.waitForEvents(1))[0]!).actionId).toBe(actionId);

    const stranger = await createUser(null);
    expect((await answerOf(await open({ authorization: null, headers: await cookie(stranger.id) }))).status).toBe(401);
  });
});

describe("from now", () => {
  it("an event committed after the stream answered 200 (`: connected`) is delivered", async () => {
    const org = await createOrganization("live-from-now");
    const actionId = await createAction(org);
    const authorization = await bearer(org);
    const other = createPrismaClient(process.env.DATABASE_URL!, 2);
    let stream: EventStream;
    try {
      // The 200 (with `: connected`) is sent only once the stream is registered in the hub.
      stream = await open({ authorization });
      expect(stream.status).toBe(200);
      await stream.waitForFrames(1);
      expect(stream.frames[0]).toMatchObject({ comments: ["connected"] });
      expect(liveHub(db()).size).toBe(1);
      // The client was told the stream is open; now an event commits (another connection) and is sealed.
      await transaction(other, (tx) =>
        appendEvent(tx, org, { actionId, type: "EXECUTION_STARTED", actor: "elsewhere" }),
      );
      // Sealed by this call or, as fast, by the worker the NOTIFY woke: either way seq 1.
      await sealOrganization(other, org);
    } finally {
      await other.$disconnect();
    }
    await appendEvents(org, 1);
    await waitFor(async () => stream.events().some((e) => e.id === "2"), { what: "seq 2 on the stream" });
    expect(seqsOf(stream.events())).toEqual([1, 2]);
  });
});

describe("keep-alive", () => {
  it("a quiet stream gets `: ping` every 15 s", async () => {
    const org = await createOrganization("live-ping");
    const stream = await openFor(org, {}, 1);
    const opened = performance.now();
    const frames = await stream.waitForFrames(2, { timeoutMs: 17_000, what: "the first ping" });
    expect(frames[1]!.raw).toBe(": ping");
    expect(frames[1]!.at - opened).toBeGreaterThan(14_000);
    expect(frames[1]!.at - opened).toBeLessThan(16_500);
    expect(stream.events()).toEqual([]);
  }, 25_000);
});

describe("bad input", () => {
  it("no token → 401 JSON; a malformed, forged or expired token → 401", async () => {
    const org = await createOrganization("live-401");
    const none = await answerOf(await open({ authorization: null }));
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: "Unauthorized" });
    for (const authorization of [
      "Basic dXNlcjpwYXNz",
      "Bearer not-a-token",
      `${await bearer(org)}x`,
      await bearer(org, { ttlSeconds: -31 }),
    ]) {
      const answer = await answerOf(await open({ authorization }));
      expect(answer.status, authorization).toBe(401);
      expect(answer.body).toMatchObject({ statusCode: 401 });
    }
    expect(liveHub(db()).size).toBe(0);
  });

  it("a token without remediation:view → 403 JSON, before any Last-Event-ID check", async () => {
    const org = await createOrganization("live-403");
    const authorization = await bearer(org, { permissions: ["remediation:request", "policy:update"] });
    const answer = await answerOf(await open({ authorization }));
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ statusCode: 403, error: "Forbidden" });
    expect((await answerOf(await open({ authorization, lastEventId: "abc" }))).status).toBe(403);
    const noView = await answerOf(await open({ authorization: await bearer(org, { permissions: [] }) }));
    expect(noView.status).toBe(403);
    expect(liveHub(db()).size).toBe(0);
  });

  it("a Last-Event-ID or ?since= that is not a non-negative integer → 400 JSON", async () => {
    const org = await createOrganization("live-400");
    const authorization = await bearer(org);
    for (const bad of ["abc", "-1", "1.5", "1e3", "+1", "0x10", "NaN", "Infinity", "1 2", "9".repeat(16)]) {
      const viaHeader = await answerOf(await open({ authorization, lastEventId: bad }));
      expect(viaHeader.status, `Last-Event-ID: ${bad}`).toBe(400);
      expect(viaHeader.body).toMatchObject({ statusCode: 400, error: "Bad Request" });
      expect(JSON.stringify(viaHeader.body)).toContain("Last-Event-ID");
      const viaQuery = await answerOf(await open({ authorization, query: `?since=${encodeURIComponent(bad)}` }));
      expect(viaQuery.status, `?since=${bad}`).toBe(400);
      expect(JSON.stringify(viaQuery.body)).toContain("since");
    }
    expect(liveHub(db()).size).toBe(0);
  });

  it("POST, PUT, DELETE → 405 JSON with Allow: GET (before authentication, like every route)", async () => {
    const org = await createOrganization("live-405");
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      for (const authorization of [await bearer(org), null]) {
        const stream = await open({ authorization, method });
        const answer = await answerOf(stream);
        expect(answer.status, method).toBe(405);
        expect(stream.headers.allow).toBe("GET");
        expect(stream.headers["content-type"]).toContain("application/json");
        expect(answer.body).toMatchObject({ statusCode: 405 });
      }
    }
    expect(liveHub(db()).size).toBe(0);
  });
});

describe("tenancy", () => {
  it("interleaved writes in organizations A and B: each stream carries only its own organization's events", async () => {
    const orgA = await createOrganization("tenant-a");
    const orgB = await createOrganization("tenant-b");
    const [incidentA, incidentB] = await Promise.all([createIncident(orgA), createIncident(orgB)]);
    const onA = await openFor(orgA, { query: "?since=0" });
    const onB = await openFor(orgB, { query: "?since=0" });
    const onA2 = await openFor(orgA, {}, 3);

    const idsA = new Set<string>();
    const idsB = new Set<string>();
    for (let i = 0; i < 10; i++) {
      // One at a time, alternating; then both at once (two sealers' commits and two readers in flight).
      idsA.add(await request(orgA, incidentA));
      idsB.add(await request(orgB, incidentB));
      const [a, b] = await Promise.all([appendEvents(orgA, 5), appendEvents(orgB, 7)]);
      idsA.add(a);
      idsB.add(b);
    }
    // A: 10 REQUESTED + 10 × 5; B: 10 REQUESTED + 10 × 7.
    const [eventsA, eventsB, eventsA2] = await Promise.all([
      onA.waitForEvents(60),
      onB.waitForEvents(80),
      onA2.waitForEvents(60),
    ]);
    for (const [events, org, ids, count] of [
      [eventsA, orgA, idsA, 60],
      [eventsA2, orgA, idsA, 60],
      [eventsB, orgB, idsB, 80],
    ] as const) {
      expect(seqsOf(events)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      for (const event of events) {
        const data = dataOf(event);
        expect(ids.has(data.actionId!), `${org}'s stream got action ${data.actionId}`).toBe(true);
        expect(data.action?.organizationId).toBe(org);
      }
    }
    // One more of A's, after every B event: still nothing of B's in between.
    const last = await request(orgA, incidentA);
    const final = await onA.waitForEvents(61);
    expect(dataOf(final.at(-1)!).actionId).toBe(last);
    expect(final.filter((e) => idsB.has(dataOf(e).actionId!))).toEqual([]);
  });

  it("resuming in organization B with a seq of A's stream replays B's events only", async () => {
    const orgA = await createOrganization("tenant-resume-a");
    const orgB = await createOrganization("tenant-resume-b");
    const actionA = await appendEvents(orgA, 8);
    const actionB = await appendEvents(orgB, 3);
    await Promise.all([waitForAllSealed(orgA, 8), waitForAllSealed(orgB, 3)]);
    const onB = await openFor(orgB, { lastEventId: "1" });
    const replayed = await onB.waitForEvents(2);
    expect(seqsOf(replayed)).toEqual([2, 3]);
    expect(replayed.every((e) => dataOf(e).actionId === actionB)).toBe(true);
    expect(replayed.some((e) => dataOf(e).actionId === actionA)).toBe(false);
  });
});

describe("token expiry", () => {
  it("a token 28 s past its exp is still accepted, and its stream is closed within the 1–2 s of tolerance left", async () => {
    const org = await createOrganization("live-exp");
    const started = performance.now();
    // exp is whole seconds: -28 leaves 1–2 s (-29 would leave 0–1 s, and a second boundary
    // between signing and the request would make it a 401).
    const stream = await open({ authorization: await bearer(org, { ttlSeconds: -28 }) });
    expect(stream.status, stream.text()).toBe(200);
    const endedAt = await Promise.race([stream.ended, new Promise<number>((r) => setTimeout(() => r(-1), 5_000))]);
    expect(endedAt, "the server closed the stream").toBeGreaterThan(0);
    expect(endedAt - started).toBeLessThan(3_000);
    await waitFor(async () => liveHub(db()).size === 0, {
      timeoutMs: 2_000,
      what: "the expired stream to leave the hub",
    });
  }, 15_000);

  it("a stream lives until exp + 30 s and no longer, events flowing until then", async () => {
    const org = await createOrganization("live-exp-late");
    const incidentId = await createIncident(org);
    // exp 26 s ago: valid for 3–4 s more (exp is whole seconds).
    const stream = await open({ authorization: await bearer(org, { ttlSeconds: -26 }) });
    const opened = performance.now();
    expect(stream.status).toBe(200);
    await waitFor(async () => liveHub(db()).size === 1, { what: "the stream in the hub" });
    await request(org, incidentId);
    await stream.waitForEvents(1);
    expect(stream.isEnded(), "not closed early").toBe(false);
    const endedAt = await stream.ended;
    expect(endedAt - opened).toBeGreaterThan(2_500);
    expect(endedAt - opened).toBeLessThan(5_500);
    expect(liveHub(db()).size).toBe(0);
  }, 15_000);

  it("at expiry the response ends and, as the client sent Connection: close, so does the connection", async () => {
    const org = await createOrganization("live-exp-close");
    const client = await openSilentStream(suite.server.port, await bearer(org, { ttlSeconds: -28 }));
    const { answer, frames } = await client.drain(5_000);
    expect(answer.status).toBe(200);
    expect(frames[0]).toMatchObject({ retry: "3000", comments: ["connected"] });
    // RFC 9112 §9.6: a server that receives "close" closes the connection after its response.
    const closed = await Promise.race([
      client.closed.then(() => true),
      new Promise((r) => setTimeout(() => r(false), 3_000)),
    ]);
    client.close();
    expect(closed, "the server closed the TCP connection").toBe(true);
  }, 15_000);

  it("a browser session's stream is closed when the session reaches its 12 h cap", async () => {
    const org = await createOrganization("live-session-cap");
    const viewer = await createUser(org, { role: "viewer" });
    const token = await encode({
      token: {
        userId: viewer.id,
        organizationId: org,
        role: "viewer",
        permissions: ["remediation:view"],
        signedInAt: nowSeconds() - SESSION_MAX_AGE_SECONDS + 2,
      },
      secret: authSecret(),
    });
    const stream = await open({ authorization: null, headers: { cookie: `next-auth.session-token=${token}` } });
    const opened = performance.now();
    expect(stream.status, stream.text()).toBe(200);
    const endedAt = await Promise.race([stream.ended, new Promise<number>((r) => setTimeout(() => r(-1), 6_000))]);
    expect(endedAt, "the server closed the stream").toBeGreaterThan(0);
    expect(endedAt - opened).toBeLessThan(3_500);
  }, 15_000);
});
