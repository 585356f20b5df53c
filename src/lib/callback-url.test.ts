import { describe, expect, it } from "vitest";
import { DEFAULT_CALLBACK_PATH, safeCallbackPath } from "./callback-url";

describe("safeCallbackPath", () => {
  it("keeps a relative deep link with its query and hash", () => {
    expect(safeCallbackPath("/incidents/abc?x=1#history")).toBe("/incidents/abc?x=1#history");
    expect(safeCallbackPath("/actions/0b6f?from=pager")).toBe("/actions/0b6f?from=pager");
    expect(safeCallbackPath(["/settings?tab=reporting", "/other"])).toBe("/settings?tab=reporting");
  });

  it("keeps an absolute URL of the site's own origin as its path", () => {
    expect(safeCallbackPath("http://127.0.0.1:3113/incidents/1?a=b", "http://127.0.0.1:3113")).toBe("/incidents/1?a=b");
  });

  it.each([
    "https://evil.example",
    "https://evil.example/control-center",
    "//evil.example",
    "//evil.example/incidents",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http://127.0.0.1:9999/incidents",
  ])("ignores %s (another origin)", (raw) => {
    expect(safeCallbackPath(raw, "http://127.0.0.1:3113")).toBe(DEFAULT_CALLBACK_PATH);
  });

  it("never returns a protocol-relative path", () => {
    for (const raw of ["/%2F%2Fevil.example", "/.//evil.example", "////a"]) {
      expect(safeCallbackPath(raw)).not.toMatch(/^\/\//);
    }
  });

  it("falls back for empty values, the sign-in page itself and auth endpoints", () => {
    expect(safeCallbackPath(undefined)).toBe(DEFAULT_CALLBACK_PATH);
    expect(safeCallbackPath("")).toBe(DEFAULT_CALLBACK_PATH);
    expect(safeCallbackPath([])).toBe(DEFAULT_CALLBACK_PATH);
    expect(safeCallbackPath("/signin?callbackUrl=/incidents")).toBe(DEFAULT_CALLBACK_PATH);
    expect(safeCallbackPath("/api/auth/signout")).toBe(DEFAULT_CALLBACK_PATH);
  });
});
