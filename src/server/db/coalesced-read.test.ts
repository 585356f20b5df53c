import { describe, expect, it } from "vitest";
import { coalescedRead } from "./coalesced-read";

// Coalesced reads (docs/adr/0020-coalesced-hot-reads.md), without a database: which callers share
// which read, and that none gets an answer read before it asked.

/**
 * `ask`, coalescing a read per call that answers `<input>#<n>` when its `release` is called (or
 * fails), and the reads `started`.
 */
function reads() {
  const started: { input: string; release: (error?: Error) => void }[] = [];
  const read = (input: string) =>
    new Promise<string>((resolve, reject) => {
      const n = started.length + 1;
      started.push({ input, release: (error) => (error ? reject(error) : resolve(`${input}#${n}`)) });
    });
  return { started, ask: coalescedRead((s: string) => s, read) };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("coalescedRead", () => {
  it("reads at once when idle; callers arriving during a read share the NEXT one, never the one in flight", async () => {
    const r = reads();
    const { ask } = r;
    const first = ask("org-a");
    expect(r.started).toHaveLength(1);
    const during = [ask("org-a"), ask("org-a"), ask("org-a")];
    await tick();
    // The later callers asked after the read began: they wait for a read of their own.
    expect(r.started).toHaveLength(1);
    r.started[0]!.release();
    expect(await first).toBe("org-a#1");
    await tick();
    expect(r.started).toHaveLength(2);
    const late = ask("org-a");
    r.started[1]!.release();
    expect(await Promise.all(during)).toEqual(["org-a#2", "org-a#2", "org-a#2"]);
    await tick();
    // `late` arrived while read 2 was in flight: read 3, alone.
    expect(r.started).toHaveLength(3);
    r.started[2]!.release();
    expect(await late).toBe("org-a#3");
  });

  it("different keys never wait for each other", async () => {
    const r = reads();
    const { ask } = r;
    const a = ask("org-a");
    const b = ask("org-b");
    expect(r.started.map((s) => s.input)).toEqual(["org-a", "org-b"]);
    r.started[1]!.release();
    expect(await b).toBe("org-b#2");
    r.started[0]!.release();
    expect(await a).toBe("org-a#1");
  });

  it("a failed read fails only the callers that shared it; the next read goes ahead", async () => {
    const r = reads();
    const { ask } = r;
    const first = ask("org-a");
    const second = [ask("org-a"), ask("org-a")];
    r.started[0]!.release(new Error("connection lost"));
    await expect(first).rejects.toThrow("connection lost");
    await tick();
    r.started[1]!.release();
    expect(await Promise.all(second)).toEqual(["org-a#2", "org-a#2"]);
    // Idle again: a new caller reads at once.
    const third = ask("org-a");
    expect(r.started).toHaveLength(3);
    r.started[2]!.release();
    expect(await third).toBe("org-a#3");
  });

  it("a caller that asks right after its read ended (in the same turn) gets a new read", async () => {
    const r = reads();
    const { ask } = r;
    const again = ask("org-a").then(() => ask("org-a"));
    r.started[0]!.release();
    await tick();
    expect(r.started).toHaveLength(2);
    r.started[1]!.release();
    expect(await again).toBe("org-a#2");
  });
});
