import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mapSuggestionToAction, parseActionParameters } from "./action-catalog";
import {
  isStorableText,
  MAX_JSON_DEPTH,
  reasonSchema,
  storableJson,
  storableString,
  UNSTORABLE_TEXT_MESSAGE,
  unstorableJsonIssues,
} from "./schemas";

describe("isStorableText", () => {
  it.each([
    ["the empty string", ""],
    ["ASCII", "restart api-gateway"],
    ["other control characters", "tab\there, bell\u0007, escape\u001b, DEL\u007f"],
    ["a surrogate pair (one character beyond U+FFFF)", "deploy 🚀 done"],
    ["the last code point", "\u{10FFFF}"],
    ["U+FFFD and the noncharacter U+FFFF", "\uFFFD\uFFFF"],
    ["pairs back to back", "😀😀\uD83D\uDE00"],
  ])("accepts %s", (_label, value) => {
    expect(isStorableText(value)).toBe(true);
  });

  it.each([
    ["NUL", "a\u0000b"],
    ["NUL alone", "\u0000"],
    ["a lone high surrogate", "a\uD800b"],
    ["a lone high surrogate at the end", "ab\uDBFF"],
    ["a lone low surrogate", "\uDC00b"],
    ["a pair in the wrong order", "\uDE00\uD83D"],
    ["two high surrogates", "\uD83D\uD83D\uDE00x\uD83D"],
  ])("refuses %s", (_label, value) => {
    expect(isStorableText(value)).toBe(false);
  });
});

describe("storableString", () => {
  it("refuses with the one message and keeps chaining like z.string", () => {
    const schema = storableString({ error: "name must be a string" }).trim().min(1, "name is required");
    expect(schema.parse("  api  ")).toBe("api");
    expect(schema.safeParse(42).error?.issues.map((i) => i.message)).toEqual(["name must be a string"]);
    expect(schema.safeParse(" a\u0000 ").error?.issues).toMatchObject([{ path: [], message: UNSTORABLE_TEXT_MESSAGE }]);
  });

  it("is what a reason is made of: a blank reason is still no reason", () => {
    expect(reasonSchema.parse("   ")).toBeUndefined();
    expect(reasonSchema.safeParse("ok\uD800").error?.issues[0]?.message).toBe(UNSTORABLE_TEXT_MESSAGE);
  });
});

describe("unstorableJsonIssues", () => {
  it("finds nothing in ordinary JSON", () => {
    expect(
      unstorableJsonIssues({ service: "api", replicas: 3, on: true, none: null, list: [1, "two", { deep: "🚀" }] }),
    ).toEqual([]);
  });

  it("names every string and key PostgreSQL cannot hold, at its path", () => {
    expect(
      unstorableJsonIssues({
        ok: "fine",
        value: "a\u0000b",
        list: ["x", { inner: "\uDC00" }],
        "bad\u0000key": "anything",
      }),
    ).toEqual([
      { path: ["value"], message: UNSTORABLE_TEXT_MESSAGE },
      { path: ["list", 1, "inner"], message: UNSTORABLE_TEXT_MESSAGE },
      { path: ["bad\u0000key"], message: UNSTORABLE_TEXT_MESSAGE },
    ]);
  });

  it.each([
    ["a bigint", 1n],
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["a Date", new Date(0)],
    ["a Map", new Map()],
    ["a function", () => 1],
  ])("refuses %s, which is not JSON", (_label, value) => {
    expect(unstorableJsonIssues({ x: value })).toEqual([
      { path: ["x"], message: expect.stringMatching(/^must be JSON/) },
    ]);
  });

  it(`accepts ${MAX_JSON_DEPTH} levels of nesting and refuses one more, without recursing further`, () => {
    const nested = (levels: number): unknown => (levels === 0 ? "leaf" : [nested(levels - 1)]);
    expect(unstorableJsonIssues(nested(MAX_JSON_DEPTH))).toEqual([]);
    const [issue, ...more] = unstorableJsonIssues(nested(MAX_JSON_DEPTH + 1));
    expect(more).toEqual([]);
    expect(issue).toEqual({
      path: Array(MAX_JSON_DEPTH).fill(0),
      message: `must not nest more than ${MAX_JSON_DEPTH} levels deep`,
    });
    // 20,000 levels (what a 64 KiB body can carry): one issue, no stack overflow.
    let deep: unknown = "leaf";
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(unstorableJsonIssues(deep)).toHaveLength(1);
  });

  it("reports at most 10 issues however many there are", () => {
    expect(unstorableJsonIssues(Array(1000).fill("\u0000"))).toHaveLength(10);
  });

  it("storableJson prefixes the issues with the field's path", () => {
    const schema = z.object({ parameters: storableJson(z.record(z.string(), z.unknown())) });
    expect(schema.safeParse({ parameters: { args: { note: "\u0000" } } }).error?.issues).toMatchObject([
      { path: ["parameters", "args", "note"], message: UNSTORABLE_TEXT_MESSAGE },
    ]);
  });
});

describe("the action catalog", () => {
  it("refuses parameters PostgreSQL cannot hold, so such a suggestion is not executable", () => {
    expect(parseActionParameters("run-runbook", { runbook: "drain", args: { note: "a\u0000" } })).toEqual({
      ok: false,
      issues: [{ path: ["args", "note"], message: UNSTORABLE_TEXT_MESSAGE }],
    });
    expect(mapSuggestionToAction({ actionType: "restart-service", parameters: { service: "api\uD800" } })).toBe(
      undefined,
    );
  });
});
