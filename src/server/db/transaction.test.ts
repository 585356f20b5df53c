import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows, transaction } from "@/server/db/client";

// Tx.afterCommit (docs/architecture.md#the-data-path): a hook sees the committed transaction,
// and a rolled-back one runs none.
describe("transaction afterCommit", () => {
  it("runs the hooks once COMMIT has succeeded, when the writes are visible to other connections", async () => {
    const table = `after_commit_${process.pid}`;
    await queryRows(db(), Prisma.raw(`CREATE TABLE IF NOT EXISTS ${table} (n int)`));
    const seen: number[] = [];
    let visibleInHook: Promise<{ count: number }[]> | undefined;
    await transaction(db(), async (tx) => {
      await queryRows(tx, Prisma.raw(`INSERT INTO ${table} VALUES (1)`));
      tx.afterCommit(() => {
        seen.push(1);
        // Another connection of the pool: sees the row only if the commit happened first.
        visibleInHook = queryRows(db(), Prisma.raw(`SELECT count(*)::int AS count FROM ${table}`));
      });
      tx.afterCommit(() => seen.push(2));
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual([1, 2]);
    expect(await visibleInHook).toEqual([{ count: 1 }]);
    await queryRows(db(), Prisma.raw(`DROP TABLE ${table}`));
  });

  it("runs none when the transaction rolls back", async () => {
    const seen: string[] = [];
    await expect(
      transaction(db(), async (tx) => {
        tx.afterCommit(() => seen.push("hook"));
        throw new Error("refused");
      }),
    ).rejects.toThrow("refused");
    expect(seen).toEqual([]);
  });
});
