import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { createActions, createOrganization } from "@/test/factories";
import { forEachReplayRow, type ReplayRow } from ".";

// The replay's cursor (docs/behaviour.md#policy-simulate): every row of the window exactly once,
// newest first across batch boundaries, a batch end after each FETCH, and an error of the
// consumer surfaces without leaving the pool's connection in a half-read cursor.

const MINUTE = 60_000;

async function organizationWith(count: number, now: number) {
  const organizationId = await createOrganization("replay-cursor");
  const ids = await createActions(
    organizationId,
    Array.from({ length: count }, (_, i) => ({
      // Two rows per instant: the id breaks the tie, newest first.
      createdAt: new Date(now - Math.floor(i / 2) * MINUTE - 0.5 * MINUTE),
      environment: i % 3 === 0 ? "staging" : "production",
      policyVersion: i % 4 === 0 ? null : i % 4,
    })),
  );
  return { organizationId, ids };
}

async function read(organizationId: string, input: { from: Date; to: Date; batch: number }) {
  const rows: ReplayRow[] = [];
  const batchEnds: number[] = [];
  await forEachReplayRow(db(), organizationId, input, {
    onRow: (row) => rows.push(row),
    onBatchEnd: async () => {
      batchEnds.push(rows.length);
    },
  });
  return { rows, batchEnds };
}

describe("forEachReplayRow", () => {
  it("hands over every row of the window once, newest first, in batches (a full last batch: one empty FETCH more)", async () => {
    const now = Date.now();
    const { organizationId, ids } = await organizationWith(7, now);
    // Outside [from, to]: an older row and a newer one.
    await createActions(organizationId, [
      { createdAt: new Date(now - 60 * MINUTE) },
      { createdAt: new Date(now + 60 * MINUTE) },
    ]);
    const window = { from: new Date(now - 10 * MINUTE), to: new Date(now) };

    const { rows, batchEnds } = await read(organizationId, { ...window, batch: 2 });
    expect(rows).toHaveLength(7);
    expect(new Set(rows.map((r) => r[5]))).toEqual(new Set(ids));
    const keys = rows.map((r) => [r[0], r[5]] as const);
    const newestFirst = [...keys].sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1));
    expect(keys).toEqual(newestFirst);
    expect(batchEnds).toEqual([2, 4, 6, 7]);

    const exact = await read(organizationId, { ...window, batch: 7 });
    expect(exact.rows.map((r) => r[5])).toEqual(rows.map((r) => r[5]));
    expect(exact.batchEnds).toEqual([7, 7]);
  });

  it("gives createdAt as exact epoch ms and the columns the replay judges", async () => {
    const now = Date.now();
    const organizationId = await createOrganization("replay-cursor");
    const createdAt = new Date(now - 5 * MINUTE + 123);
    const [id] = await createActions(organizationId, [
      { createdAt, environment: "qa", severity: "LOW", actionType: "clear-cache", policyVersion: 3 },
    ]);
    const { rows } = await read(organizationId, { from: new Date(now - MINUTE * 10), to: new Date(now), batch: 10 });
    expect(rows).toEqual([[createdAt.getTime(), "clear-cache", "qa", "LOW", 3, id, expect.any(String)]]);
  });

  it("an error of the consumer is thrown after the batch, and the pool serves the next reader", async () => {
    const now = Date.now();
    const { organizationId } = await organizationWith(5, now);
    const window = { from: new Date(now - 10 * MINUTE), to: new Date(now), batch: 3 };
    let calls = 0;
    await expect(
      forEachReplayRow(db(), organizationId, window, {
        onRow: () => {
          calls += 1;
          throw new Error("judge failed");
        },
        onBatchEnd: async () => {},
      }),
    ).rejects.toThrow("judge failed");
    expect(calls).toBe(1);
    expect((await read(organizationId, window)).rows).toHaveLength(5);
  });
});
