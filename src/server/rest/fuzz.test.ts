// Property-based fuzzing of every row of the REST table (issue 12): hostile paths (bad
// percent-encodings), queries, methods, headers (Idempotency-Key oddities, broken and odd bearer
// tokens) and bodies (NUL, lone surrogates, deep or odd shapes, oversized, lying Content-Length).
// Whatever comes in: never a status ≥ 500, every error a JSON body with statusCode, error and
// message, and a 405 names the allowed methods in `Allow`.
//
// `npm test` runs a few hundred cases; `npm run fuzz` (vitest.fuzz.config.ts) runs ≥ 10,000
// in process plus a thousand over real sockets.
import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { Readable } from "node:stream";
import fc from "fast-check";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bearer, createActions, createIncident, createOrganization, tokenFor } from "@/test/factories";
import { nextStandIn } from "@/test/next-stand-in";
import { rawExchange } from "@/test/raw-http";
import { createReportingSettings, createReportRun } from "@/test/reporting-fixtures";
import { type FuzzFixture, type FuzzRequest, fuzzRequest } from "@/test/rest-fuzz";
import { readJsonBody } from "./body";
import { answerRest, type RestReply } from "./handler";
import { createHttpServer, DEFAULT_HTTP_TIMEOUTS } from "./http-server";
import { isRestRequest } from "./node-adapter";

const RUNS = inject("fuzzRuns") ?? 300;
const HTTP_RUNS = Math.max(60, Math.round(RUNS / 10));
const FUZZ_MODE = inject("fuzzRuns") !== undefined;

const statuses = new Map<number, number>();

function chunksOf(bytes: Uint8Array | undefined, size: number): AsyncIterable<Uint8Array> | null {
  if (!bytes) return null;
  return (async function* () {
    for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
  })();
}

function headersOf(r: FuzzRequest): Headers {
  const headers = new Headers();
  if (r.authorization !== undefined) headers.set("authorization", r.authorization);
  for (const key of r.idempotencyKeys) headers.append("idempotency-key", key);
  if (r.contentType) headers.set("content-type", r.contentType);
  if (r.body.contentLength !== undefined) headers.set("content-length", r.body.contentLength);
  return headers;
}

/** Through the adapter in process (`answerRest`, what both servers call), any method string. */
function send(r: FuzzRequest): Promise<RestReply> {
  return answerRest({
    method: r.method,
    url: new URL(r.path, "http://localhost"),
    headers: headersOf(r),
    readBody: () => readJsonBody(r.body.contentLength, chunksOf(r.body.bytes, r.body.chunkSize)),
  });
}

/** The invariant: below 500; an error is the JSON error body; a 405 carries `Allow`. */
function expectSane(
  status: number,
  headers: Record<string, string>,
  body: string | undefined,
  method: string,
  what: string,
): void {
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  expect(status, what).toBeGreaterThanOrEqual(200);
  expect(status, what).toBeLessThan(500);
  if (status < 400) return;
  expect(headers["content-type"], what).toContain("application/json");
  if (body !== undefined) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    expect(parsed, what).toMatchObject({
      statusCode: status,
      error: expect.any(String),
      message: expect.any(String),
    });
  }
  if (status === 405) {
    const allow = (headers.allow ?? "").split(",").map((m) => m.trim());
    expect(allow.length, what).toBeGreaterThan(0);
    for (const m of allow) expect(["GET", "POST", "PUT", "DELETE"], what).toContain(m);
    expect(allow, what).not.toContain(method);
  }
}

async function replyText(reply: RestReply): Promise<string> {
  if (typeof reply.body === "string") return reply.body;
  // A CSV export holds a pooled connection until it is read to the end.
  const parts: Buffer[] = [];
  for await (const chunk of reply.body as Readable) parts.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(parts).toString("utf8");
}

const describeWhat = (r: FuzzRequest) =>
  `${r.method} ${r.path.slice(0, 200)} (${r.route.method} ${r.route.path}; auth ${r.authorization?.slice(0, 30)})`;

/** A signed token with claims as given (odd ones: NUL, lone surrogates, wrong types). */
async function tokenWithClaims(claims: Record<string, unknown>): Promise<string> {
  const secret = new TextEncoder().encode(process.env.AUTH_SECRET);
  const jwt = await new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
    .sign(secret);
  return `Bearer ${jwt}`;
}

let fixture: FuzzFixture;

beforeAll(async () => {
  const organizationId = await createOrganization("fuzz");
  const otherOrganization = await createOrganization("fuzz-other");
  const incidentId = await createIncident(organizationId, { externalId: "ext-1" });
  const pending = (environment: string) => ({ status: "PENDING_APPROVAL" as const, incidentId, environment });
  const actionIds = await createActions(organizationId, [
    ...Array.from({ length: 6 }, () => pending("staging")),
    pending("production"),
    { status: "COMPLETED", incidentId },
    { status: "FAILED", incidentId, error: "Simulated failure" },
  ]);
  await createReportingSettings(organizationId, { reportRecipients: ["sre@example.com"] });
  const failedRun = await createReportRun(organizationId, {
    status: "failed",
    failedDeliveryCount: 1,
    deliveryFailures: [{ recipient: "sre@example.com", error: "mailbox full" }],
  });
  const token = await tokenFor(organizationId);
  const none = Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify({ sub: "u", organizationId, permissions: [], exp: 9e9 })).toString(
    "base64url",
  );
  fixture = {
    incidentId,
    actionIds,
    runId: failedRun.id,
    authorization: `Bearer ${token}`,
    otherAuthorizations: [
      await bearer(organizationId, { permissions: ["remediation:view"] }),
      await bearer(organizationId, { permissions: [] }),
      await bearer(otherOrganization),
    ],
    brokenAuthorizations: [
      await bearer(organizationId, { ttlSeconds: -120 }),
      `bearer ${token}`,
      token,
      `Bearer ${token}x`,
      `Bearer ${none}.${payload}.`,
      "Bearer abc.def.ghi",
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "",
      await tokenWithClaims({ sub: "a\u0000b", organizationId, permissions: ["remediation:view"] }),
      await tokenWithClaims({ sub: "u", organizationId: "org\u0000x", permissions: ["remediation:view"] }),
      await tokenWithClaims({ sub: "u", organizationId: "org\ud800", permissions: ["remediation:view"] }),
      await tokenWithClaims({ sub: "\udc00", organizationId, permissions: ["remediation:view"] }),
      await tokenWithClaims({ sub: "u", organizationId: "o".repeat(5000), permissions: ["remediation:view"] }),
      await tokenWithClaims({ sub: "u", organizationId, permissions: [1, null, "remediation:view\u0000"] }),
      await tokenWithClaims({ sub: 7, organizationId: ["x"], permissions: "all" }),
    ],
  };
});

afterAll(() => {
  if (FUZZ_MODE) console.log(`fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
});

describe("REST fuzz", () => {
  it(`answers ${RUNS} hostile requests over every route in process: < 500, JSON errors, Allow on 405`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest(fixture), async (r) => {
        const reply = await send(r);
        const text = await replyText(reply);
        expectSane(reply.status, reply.headers, text, r.method, describeWhat(r));
      }),
      { numRuns: RUNS },
    );
  }, 1_800_000);

  describe("over HTTP, against the custom server's own HTTP server", () => {
    let server: ReturnType<typeof createHttpServer>;
    let port: number;
    beforeAll(async () => {
      server = createHttpServer(nextStandIn, DEFAULT_HTTP_TIMEOUTS);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "CONNECT", "PURGE"];
    const BROKEN_METHODS = ["FOO", "get", "G\u0001T", "BREW"];
    const JUNK_HEADERS = [
      "",
      "",
      "",
      "X-Junk: a\u0001b\r\n",
      "Bad Header: x\r\n",
      `X-Long: ${"l".repeat(17 * 1024)}\r\n`,
      "Content-Length: 1\r\nContent-Length: 2\r\n",
      "Transfer-Encoding: chunked\r\n",
      "Expect: 100-continue\r\n",
    ];

    // Built once beforeAll has made the fixture.
    const rawCase = () =>
      fc.record({
        request: fuzzRequest(fixture),
        method: fc.oneof(
          { weight: 3, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.constantFrom(...METHODS) },
          { weight: 1, arbitrary: fc.constantFrom(...BROKEN_METHODS) },
        ),
        junk: fc.constantFrom(...JUNK_HEADERS),
        chunked: fc.boolean(),
      });

    it(`answers ${HTTP_RUNS} hostile requests over sockets: < 500, JSON errors (parser errors too)`, async () => {
      await fc.assert(
        fc.asyncProperty(rawCase(), async ({ request, method: override, junk, chunked }) => {
          const method = override ?? request.method;
          const bytes = request.body.bytes ?? new Uint8Array(0);
          const framing = chunked
            ? "Transfer-Encoding: chunked\r\n"
            : method === "GET" || method === "HEAD"
              ? ""
              : `Content-Length: ${bytes.byteLength}\r\n`;
          const body = chunked
            ? Buffer.concat([
                Buffer.from(bytes.byteLength ? `${bytes.byteLength.toString(16)}\r\n` : ""),
                Buffer.from(bytes),
                Buffer.from(bytes.byteLength ? "\r\n0\r\n\r\n" : "0\r\n\r\n"),
              ])
            : method === "GET" || method === "HEAD"
              ? Buffer.alloc(0)
              : Buffer.from(bytes);
          const lines = [...headersOf({ ...request, body: { ...request.body, contentLength: undefined } })]
            .map(([k, v]) => `${k}: ${v}\r\n`)
            .join("");
          const head = `${method} ${request.path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n${lines}${framing}${junk}\r\n`;
          const answer = await rawExchange(port, head, body);
          const what = `${JSON.stringify(head.slice(0, 300))} + ${bytes.byteLength} bytes${chunked ? " chunked" : ""}`;
          expect(answer.closedWithoutAnswer, what).toBe(false);
          // Paths the custom server hands to Next (`/REMEDIATION/…`) are Next's pages, not the API.
          const restPath = isRestRequest({ url: request.path, headers: {} } as IncomingMessage);
          if (!restPath) return;
          expectSane(answer.status, answer.headers, method === "HEAD" ? undefined : answer.body, method, what);
        }),
        { numRuns: HTTP_RUNS },
      );
    }, 1_800_000);
  });
});
