import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { failureMessage, isNetworkFailure, NOT_RECORDED } from "./failure";

describe("isNetworkFailure", () => {
  it("recognises a fetch that got no answer, bare or wrapped by tRPC", () => {
    const cut = new TypeError("Failed to fetch");
    expect(isNetworkFailure(cut)).toBe(true);
    expect(isNetworkFailure(TRPCClientError.from(cut))).toBe(true);
    expect(isNetworkFailure(new TypeError("NetworkError when attempting to fetch resource."))).toBe(true);
    expect(isNetworkFailure(new DOMException("The user aborted a request.", "AbortError"))).toBe(true);
  });

  it("leaves the server's answers alone", () => {
    expect(isNetworkFailure(new TRPCClientError("Action is not pending"))).toBe(false);
    expect(isNetworkFailure(new Error("Failed to fetch the incident"))).toBe(false);
    expect(isNetworkFailure("Failed to fetch")).toBe(false);
    // A bug in the page is not the network.
    expect(isNetworkFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isNetworkFailure(undefined)).toBe(false);
  });
});

describe("failureMessage", () => {
  it("says the decision was not recorded instead of 'Failed to fetch'", () => {
    expect(failureMessage(TRPCClientError.from(new TypeError("Failed to fetch")))).toBe(NOT_RECORDED);
  });

  it("keeps the server's message, or a generic one", () => {
    expect(failureMessage(new TRPCClientError("Separation of duties: you requested this action"))).toBe(
      "Separation of duties: you requested this action",
    );
    expect(failureMessage(null)).toBe("Request failed");
  });
});
