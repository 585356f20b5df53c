import { describe, expect, it } from "vitest";
import { Prisma } from "@/generated/prisma/client";
import { db, requirePool } from "./client";
import { copyCsvOut } from "./copy";

async function text(stream: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("copyCsvOut", () => {
  it("inlines values as literals: quotes, backslashes and SQL in a value stay data", async () => {
    const tricky = "o'b\\r;--$1 '); DROP TABLE x; --";
    const when = new Date("2026-01-02T03:04:05.678Z");
    const query = Prisma.sql`SELECT ${tricky}::text AS v, ${42} AS n,
      ${when}::timestamptz = '2026-01-02T03:04:05.678Z'::timestamptz AS same`;
    expect(await text(await copyCsvOut(db(), query))).toBe(`${tricky},42,t\n`);
  });

  it("a consumer that stops early discards its connection; the pool keeps serving", async () => {
    const pool = requirePool(db(), "test");
    for (let i = 0; i < 15; i++) {
      const stream = await copyCsvOut(db(), Prisma.sql`SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g`);
      for await (const _ of stream) break; // read one chunk, then hang up
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(pool.waitingCount).toBe(0);
    expect(await text(await copyCsvOut(db(), Prisma.sql`SELECT 1 AS one`))).toBe("1\n");
  });
});
