// Generators for the REST fuzz test (src/server/rest/fuzz.test.ts): hostile paths, queries, headers and bodies
// over every row of the REST table (fast-check).
import fc from "fast-check";
import { ACTION_TYPES } from "@/lib/action-catalog";
import { MAX_BODY_BYTES } from "@/server/rest/body";
import { REST_ROUTES } from "@/server/rest/routes";
import type { RestRoute } from "@/server/rest/types";

declare module "vitest" {
  export interface ProvidedContext {
    /** Cases of the REST fuzz test's in-process property (vitest.fuzz.config.ts); unset in `npm test`. */
    fuzzRuns?: number;
  }
}

/** Ids and tokens that exist in the fuzzed organization (made in the test's beforeAll). */
export interface FuzzFixture {
  incidentId: string;
  actionIds: string[];
  runId: string;
  /** `Bearer <token>` with every permission, for the fuzzed organization. */
  authorization: string;
  /** Valid tokens of other permission sets or another organization. */
  otherAuthorizations: string[];
  /** Broken, expired, foreign-algorithm and odd-claim tokens. */
  brokenAuthorizations: string[];
}

/** encodeURIComponent, with unpaired surrogates (which it refuses) sent as U+FFFD. */
const encode = (s: string) =>
  encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"));

const lone = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));

const SPECIAL = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\udc00\ud800",
  "\u2028\u2029",
  "\uffff",
  "\ufeff{}",
  "🙂",
  "=cmd|' /C calc'!A0",
  "+1",
  "-@SUM(1)",
  "\t\r\n",
  "%00",
  "%ZZ",
  "'; DROP TABLE actions; --",
  "\\",
  '"',
  "__proto__",
  "constructor",
  "production",
  "staging",
  "HIGH",
  "CRITICAL",
  "sre@example.com",
  "2026-01-01T00:00:00.000Z",
  "not-a-date",
  "a".repeat(256),
  "a".repeat(1001),
  "é".repeat(300),
];

/** Strings PostgreSQL, JSON or CSV may choke on: NUL, lone surrogates, odd Unicode, long runs. */
const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.string({ maxLength: 6 }), lone, fc.constantFrom("\u0000", "\u0001", "\u007f", "é")), {
        maxLength: 8,
      })
      .map((parts) => parts.join("")),
  },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 3000 }).map((n) => "x".repeat(n)) },
);

const jsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  nastyString,
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -0, 2 ** 53 + 1, 1001, 7, 3650, 3651),
  fc.boolean(),
  fc.constant(null),
);

/** Any JSON value: odd keys, odd leaves, arrays and objects a few levels deep. */
const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    jsonLeaf,
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(nastyString, tie("value"), { maxKeys: 5 }),
  ),
})).value;

/** Either a well-formed value or anything at all, so validation is reached *and* passed. */
const or = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: jsonish });

const severity = or(fc.constantFrom("LOW", "MEDIUM", "HIGH", "CRITICAL"));
const environment = or(fc.constantFrom("production", "staging", "dev"));
const actionType = or(fc.constantFrom(...ACTION_TYPES));
const isoDate = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());

const parameters = fc.record(
  {
    service: or(nastyString),
    replicas: or(fc.integer({ min: -5, max: 1005 })),
    toRevision: nastyString,
    cacheKey: nastyString,
    flag: nastyString,
    enabled: or(fc.boolean()),
    runbook: nastyString,
    args: or(fc.dictionary(nastyString, fc.oneof(nastyString, fc.integer(), fc.boolean()), { maxKeys: 4 })),
    simulate: nastyString,
  },
  { requiredKeys: [] },
);

const requestFields = (fixture: FuzzFixture) =>
  fc.record(
    {
      incidentId: or(fc.constant(fixture.incidentId)),
      actionType,
      parameters: or(parameters),
      environment,
      severity,
      serviceName: or(nastyString),
    },
    { requiredKeys: [] },
  );

const list = (item: fc.Arbitrary<unknown>) => or(fc.array(item, { maxLength: 4 }));

/** A body shaped like the route's own input, with hostile values in its fields. */
function shapedBody(route: RestRoute, fixture: FuzzFixture): fc.Arbitrary<unknown> {
  switch (route.procedure) {
    case "incidents.create":
      return fc.record(
        {
          title: or(nastyString),
          serviceName: or(nastyString),
          environment,
          severity,
          summary: or(nastyString),
          externalId: or(fc.constantFrom("ext-1", "ext-2")),
          suggestions: list(
            fc.record(
              {
                title: nastyString,
                description: nastyString,
                actionType,
                parameters: or(parameters),
                confidence: or(fc.double({ min: -1, max: 2 })),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      );
    case "remediation.request":
    case "policy.evaluate":
      return requestFields(fixture);
    case "remediation.approve":
    case "remediation.reject":
      return fc.record({ reason: or(nastyString), override: or(fc.boolean()) }, { requiredKeys: [] });
    case "policy.update":
      return fc.record(
        {
          requireApprovalEnvironments: list(environment),
          requireApprovalSeverities: list(severity),
          requireApprovalActionTypes: list(actionType),
          blockedEnvironments: list(fc.constantFrom("dev", "sandbox")),
          deniedActionTypes: list(fc.constantFrom("run-runbook", "clear-cache")),
          freezeWindows: list(
            fc.record(
              { start: or(isoDate), end: or(isoDate), environments: list(environment), reason: nastyString },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      );
    case "reporting.updateSettings":
      return fc.record(
        {
          retentionDays: or(fc.integer({ min: 0, max: 4000 })),
          scheduledReportEnabled: or(fc.boolean()),
          reportCadence: or(fc.constantFrom("daily", "weekly")),
          reportRecipients: list(or(fc.constantFrom("sre@example.com", "ops@example.com"))),
        },
        { requiredKeys: [] },
      );
    default:
      return jsonish;
  }
}

const BAD_JSON = ["{", "{not json", "[1,]", "{'a':1}", "nul", "\u0000", "{}{}", '{"a":1', "\ufeff{}", "1e999999"];

/** The bytes of a body and what `Content-Length` claims about them (absent, true, or a lie). */
export interface FuzzBody {
  bytes: Uint8Array | undefined;
  contentLength: string | undefined;
  chunkSize: number;
}

const encoder = new TextEncoder();

function bodyOf(route: RestRoute, fixture: FuzzFixture): fc.Arbitrary<Uint8Array | undefined> {
  return fc.oneof(
    { weight: 6, arbitrary: shapedBody(route, fixture).map((v) => encoder.encode(JSON.stringify(v))) },
    { weight: 2, arbitrary: jsonish.map((v) => encoder.encode(JSON.stringify(v) ?? "")) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_JSON).map((s) => encoder.encode(s)) },
    // Bytes that are not UTF-8, inside otherwise valid JSON.
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Uint8Array.from([0x22, ...b, 0x22])) },
    // Deep nesting, and bodies just under and over the cap.
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => encoder.encode("[".repeat(n) + "]".repeat(n))),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: MAX_BODY_BYTES - 16, max: MAX_BODY_BYTES * 3 })
        .map((n) => encoder.encode(`{"title":"${"x".repeat(Math.max(0, n - 12))}"}`)),
    },
  );
}

function fuzzBody(route: RestRoute, fixture: FuzzFixture): fc.Arbitrary<FuzzBody> {
  return fc
    .record({
      bytes: bodyOf(route, fixture),
      claim: fc.constantFrom("true", "true", "true", "absent", "small", "huge", "garbage"),
      chunkSize: fc.constantFrom(1024, 16 * 1024, 64 * 1024),
    })
    .map(({ bytes, claim, chunkSize }) => {
      const actual = bytes ? String(bytes.byteLength) : undefined;
      const contentLength =
        claim === "true"
          ? actual
          : claim === "small"
            ? "10"
            : claim === "huge"
              ? String(100 * 1024 * 1024)
              : claim === "garbage"
                ? "abc"
                : undefined;
      return { bytes, contentLength, chunkSize };
    });
}

/** Percent-encodings that are not UTF-8 or not encodings at all, and other odd segments. */
const BAD_SEGMENTS = [
  "%",
  "%Z",
  "%ZZ",
  "%%",
  "%E0%A4%A",
  "%ED%A0%80",
  "%C0%AF",
  "%FF",
  "%00",
  "%2F",
  "%u0041",
  "%%41",
  "..",
  ".",
  "%2e%2e",
  "a;b",
  "x".repeat(3000),
];

const pathSegment = (existing: string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...existing) },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...BAD_SEGMENTS) },
    { weight: 2, arbitrary: nastyString.filter((s) => s !== "").map(encode) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.string({ maxLength: 5 }), fc.constantFrom(...BAD_SEGMENTS), fc.string({ maxLength: 5 }))
        .map(([a, bad, b]) => `${encode(a)}${bad}${encode(b)}`),
    },
  );

const QUERY_KEYS = ["status", "environment", "incidentId", "limit", "from", "to", "cursor", "__proto__", "x"];
const queryValue = fc.oneof(
  fc.constantFrom("PENDING_APPROVAL", "COMPLETED", "OPEN", "success", "production", "5", "0", "-1", "501", "1e3"),
  fc.constantFrom("2026-01-01", "2026-13-45", "", "%ZZ", "%", "%00", "%ED%A0%80"),
  nastyString.map(encode),
);

const query = fc
  .array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));

/** A path of the route with hostile parameters, sometimes bent out of the table altogether. */
function fuzzPath(route: RestRoute, fixture: FuzzFixture): fc.Arbitrary<string> {
  const existing = [fixture.incidentId, fixture.runId, ...fixture.actionIds];
  const names = route.path.split("/").filter((s) => s.startsWith(":"));
  const filled = fc.array(pathSegment(existing), { minLength: names.length, maxLength: names.length }).map((values) => {
    let i = 0;
    return route.path.replace(/:\w+/g, () => values[i++] ?? "");
  });
  return fc
    .tuple(
      filled,
      fc.oneof(
        { weight: 12, arbitrary: fc.constant("") },
        { weight: 2, arbitrary: fc.constant("/") },
        { weight: 1, arbitrary: fc.constantFrom("//", "/extra", "/%ZZ", "UPPER", "api") },
      ),
      route.method === "GET" ? query : fc.constant(""),
    )
    .map(([path, bend, q]) => {
      if (bend === "UPPER") return `${path.toUpperCase()}${q}`;
      if (bend === "api") return `/api/rest${path}${q}`;
      return `${path}${bend}${q}`;
    });
}

const OTHER_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND", "FOO"];

const IDEMPOTENCY_KEYS = ["key-1", "key-2", "", " ", "a b", "é", "\t", "k".repeat(255), "k".repeat(256), "%00"];

/** One request: method, path, headers and body, for a row of the table. */
export interface FuzzRequest {
  /** The row the request was made from (the row itself holds schemas: too big to print). */
  route: Pick<RestRoute, "method" | "path" | "procedure">;
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKeys: string[];
  contentType: string | undefined;
  body: FuzzBody;
}

export function fuzzRequest(fixture: FuzzFixture): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...REST_ROUTES).chain((route) =>
    fc.record({
      route: fc.constant({ method: route.method, path: route.path, procedure: route.procedure }),
      method: fc.oneof(
        { weight: 4, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      path: fuzzPath(route, fixture),
      authorization: fc.oneof(
        { weight: 8, arbitrary: fc.constant(fixture.authorization) },
        { weight: 2, arbitrary: fc.constantFrom(...fixture.otherAuthorizations) },
        { weight: 2, arbitrary: fc.constantFrom(...fixture.brokenAuthorizations) },
        { weight: 1, arbitrary: fc.constant(undefined) },
      ),
      idempotencyKeys: fc.oneof(
        { weight: 3, arbitrary: fc.constant<string[]>([]) },
        { weight: 1, arbitrary: fc.array(fc.constantFrom(...IDEMPOTENCY_KEYS), { minLength: 1, maxLength: 2 }) },
      ),
      contentType: fc.constantFrom(undefined, "application/json", "text/plain", "application/json; charset=latin1"),
      body: fuzzBody(route, fixture),
    }),
  );
}
