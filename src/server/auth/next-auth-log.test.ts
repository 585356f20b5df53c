import { describe, expect, it } from "vitest";
import { isClientNetworkFailure } from "./next-auth-log";

// The shape next-auth's /api/auth/_log hands the logger: the browser's error flattened into
// form fields (message copied from the error, `client: "true"`).
const report = (message: string, extra: Record<string, unknown> = {}) => ({
  error: "[object Object]",
  url: "/api/auth/session",
  client: "true",
  message,
  ...extra,
});

describe("isClientNetworkFailure", () => {
  it("recognises fetches the browser did not complete", () => {
    expect(isClientNetworkFailure("CLIENT_FETCH_ERROR", report("Failed to fetch"))).toBe(true);
    expect(
      isClientNetworkFailure("CLIENT_FETCH_ERROR", report("NetworkError when attempting to fetch resource.")),
    ).toBe(true);
    expect(isClientNetworkFailure("CLIENT_FETCH_ERROR", report("Load failed"))).toBe(true);
    expect(isClientNetworkFailure("CLIENT_SESSION_ERROR", report("The user aborted a request."))).toBe(true);
    expect(
      isClientNetworkFailure("CLIENT_FETCH_ERROR", {
        client: true,
        error: { name: "AbortError", message: "signal is aborted without reason" },
      }),
    ).toBe(true);
  });

  it("keeps real failures errors: a bad response, a server-side report, another code", () => {
    // A 500 page where JSON was expected.
    expect(isClientNetworkFailure("CLIENT_FETCH_ERROR", report("Unexpected token '<', \"<!DOCTYPE\"..."))).toBe(false);
    // The server's own fetch (no client flag) failing is the server's problem.
    expect(isClientNetworkFailure("CLIENT_FETCH_ERROR", { message: "Failed to fetch" })).toBe(false);
    expect(isClientNetworkFailure("JWT_SESSION_ERROR", report("Failed to fetch"))).toBe(false);
    expect(isClientNetworkFailure("CLIENT_FETCH_ERROR", undefined)).toBe(false);
    expect(isClientNetworkFailure("CLIENT_FETCH_ERROR", report("Failed to fetch data from the database"))).toBe(false);
  });
});
