// The REST adapter's compiled chains (docs/adr/0016-rest-procedure-chain-compiled-once.md): the
// hot reads take the one-step input-and-resolver path and skip their identity output step. If a
// tRPC upgrade renames or reshapes those steps, the adapter still works through the full chain;
// this test is what notices the lost speed.
import { describe, expect, it } from "vitest";
import { restChainShape } from "@/server/root";

describe("REST procedure chains", () => {
  it.each(["remediation.list", "remediation.history", "remediation.stats", "remediation.prioritySignal"] as const)(
    "%s: input and resolver fused, output step skipped",
    (path) => {
      expect(restChainShape(path)).toEqual({ fused: true, outputSkipped: true });
    },
  );

  it("a read whose output is parsed per response keeps its output step, and so tRPC's full chain", () => {
    expect(restChainShape("remediation.pendingQueue")).toEqual({
      fused: false,
      outputSkipped: false,
    });
  });
});
