import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

// Group commit (docs/adr/0017-execution-outcomes-group-committed.md), without a database: what
// goes into which statement, and what each write is answered.

/** A `run` that records its groups and answers after `release()` (one statement in flight). */
function recorder(fail?: (items: string[]) => Error | undefined) {
  const groups: string[][] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  const hold = () => {
    gate = new Promise<void>((resolve) => {
      release = resolve;
    });
  };
  const run = async (items: string[]) => {
    groups.push([...items]);
    await gate;
    const error = fail?.(items);
    if (error) throw error;
    return items.map((item) => `${item}!`);
  };
  return { groups, run, hold, release: () => release() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("groupCommit", () => {
  it("sends the writes of one turn together, and those arriving during a statement in the next one", async () => {
    const r = recorder();
    const write = groupCommit({ maxBatch: 16, key: (s: string) => s, run: r.run });
    r.hold();
    const first = ["a", "b", "c"].map(write);
    await tick();
    expect(r.groups).toEqual([["a", "b", "c"]]);
    // While it is in flight: queued, not sent.
    const second = ["d", "e"].map(write);
    await tick();
    expect(r.groups).toEqual([["a", "b", "c"]]);
    r.release();
    expect(await Promise.all([...first, ...second])).toEqual(["a!", "b!", "c!", "d!", "e!"]);
    expect(r.groups).toEqual([
      ["a", "b", "c"],
      ["d", "e"],
    ]);
  });

  it("writes at once when idle: one write alone is one statement", async () => {
    const r = recorder();
    const write = groupCommit({ maxBatch: 16, key: (s: string) => s, run: r.run });
    expect(await write("x")).toBe("x!");
    expect(await write("y")).toBe("y!");
    expect(r.groups).toEqual([["x"], ["y"]]);
  });

  it("never puts one key twice in a statement, and keeps groups within maxBatch", async () => {
    const r = recorder();
    const write = groupCommit({ maxBatch: 2, key: (s: string) => s.slice(0, 1), run: r.run });
    expect(await Promise.all(["a1", "a2", "b", "c", "d"].map(write))).toEqual(["a1!", "a2!", "b!", "c!", "d!"]);
    expect(r.groups).toEqual([["a1", "b"], ["a2", "c"], ["d"]]);
  });

  it("without a key, puts every waiting write in the next statement (wake-ups: one notification for all)", async () => {
    const r = recorder();
    const write = groupCommit({ maxBatch: Number.POSITIVE_INFINITY, run: r.run });
    r.hold();
    const first = write("a");
    await tick();
    const rest = ["a", "a", "b"].map(write);
    r.release();
    await Promise.all([first, ...rest]);
    expect(r.groups).toEqual([["a"], ["a", "a", "b"]]);
  });

  it("retries a refused group one write at a time, so only the bad write fails", async () => {
    const refused = Object.assign(new Error("unsupported Unicode escape sequence"), { code: "22P05" });
    const r = recorder((items) => (items.includes("bad") ? refused : undefined));
    const write = groupCommit({ maxBatch: 16, key: (s: string) => s, run: r.run });
    const answers = await Promise.allSettled(["a", "bad", "c"].map(write));
    expect(answers).toEqual([
      { status: "fulfilled", value: "a!" },
      { status: "rejected", reason: refused },
      { status: "fulfilled", value: "c!" },
    ]);
    expect(r.groups).toEqual([["a", "bad", "c"], ["a"], ["bad"], ["c"]]);
  });

  it("fails the whole group on a connection error, without retrying it", async () => {
    const lost = Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" });
    const r = recorder(() => lost);
    const write = groupCommit({ maxBatch: 16, key: (s: string) => s, run: r.run });
    const answers = await Promise.allSettled(["a", "b"].map(write));
    expect(answers.map((a) => a.status)).toEqual(["rejected", "rejected"]);
    expect(r.groups).toEqual([["a", "b"]]);
  });

  it("keeps writing after a failed group", async () => {
    let failOnce = true;
    const write = groupCommit({
      maxBatch: 16,
      key: (s: string) => s,
      run: async (items: string[]) => {
        if (failOnce) {
          failOnce = false;
          throw Object.assign(new Error("terminating connection"), { code: "57P01" });
        }
        return items;
      },
    });
    await expect(write("a")).rejects.toThrow("terminating connection");
    expect(await write("b")).toBe("b");
  });
});
