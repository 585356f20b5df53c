import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, eventHash } from "./chain";

// The hand-ordered eventHash must be byte for byte the canonical JSON of the whole object.
const reference = (e: Parameters<typeof eventHash>[0]) =>
  createHash("sha256")
    .update(canonicalJson({ ...e }))
    .digest("hex");

describe("eventHash", () => {
  it("equals the SHA-256 of the RFC 8785 canonical JSON of the eight fields, for any JSON data", () => {
    fc.assert(
      fc.property(
        fc.record({
          organizationId: fc.string(),
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          actionId: fc.option(fc.uuid(), { nil: null }),
          type: fc.string(),
          actor: fc.string(),
          data: fc.jsonValue(),
          createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          prevHash: fc.stringMatching(/^[0-9a-f]{64}$/),
        }),
        (event) => {
          expect(eventHash(event)).toBe(reference(event));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is the same for strings that need escaping or have no canonical form (quotes, controls, U+2028, surrogates)", () => {
    const base = {
      organizationId: "o",
      seq: 7,
      actionId: null,
      type: "REQUESTED",
      actor: "a",
      data: { note: "x" },
      createdAt: new Date(0).toISOString(),
      prevHash: "0".repeat(64),
    };
    const strings = [
      'say "hi"',
      "back\\slash",
      "tab\tnew\nline\u0000\u001f",
      "line\u2028sep\u2029",
      "emoji 🚀 ✓",
      "é",
      "\ud83d",
      "x\udc00y",
      "",
    ];
    for (const text of strings) {
      for (const field of ["organizationId", "actionId", "type", "actor", "createdAt", "prevHash"] as const) {
        const event = { ...base, [field]: text };
        let expected: string | Error;
        try {
          expected = reference(event);
        } catch (error) {
          expected = error as Error;
        }
        if (expected instanceof Error) expect(() => eventHash(event), `${field} ${JSON.stringify(text)}`).toThrow();
        else expect(eventHash(event), `${field} ${JSON.stringify(text)}`).toBe(expected);
      }
    }
  });

  it("equals the reference for any Unicode strings in the string fields", () => {
    fc.assert(
      fc.property(
        fc.record({
          organizationId: fc.string({ unit: "binary" }),
          actor: fc.string({ unit: "binary" }),
          type: fc.string({ unit: "binary" }),
          createdAt: fc.string({ unit: "binary" }),
          prevHash: fc.string({ unit: "binary" }),
        }),
        (strings) => {
          const event = { seq: 3, actionId: "act", data: null, ...strings };
          expect(eventHash(event)).toBe(reference(event));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses an event without data instead of hashing something else", () => {
    expect(() =>
      eventHash({
        organizationId: "o",
        seq: 1,
        actionId: null,
        type: "REQUESTED",
        actor: "a",
        data: undefined,
        createdAt: new Date(0).toISOString(),
        prevHash: "0".repeat(64),
      }),
    ).toThrow();
  });
});
