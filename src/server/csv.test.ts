import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { describe, expect, it } from "vitest";
import { crlfRecordEnds } from "./csv";

async function through(chunks: string[]): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks.map((s) => Buffer.from(s))).pipe(crlfRecordEnds())) out.push(c as Buffer);
  return Buffer.concat(out).toString();
}

describe("crlfRecordEnds", () => {
  const copy = 'a,"x\n""y""\nz",b\nc,,"\n"\n';
  const expected = 'a,"x\n""y""\nz",b\r\nc,,"\n"\r\n';

  it("ends records with CRLF and leaves LF inside quoted fields alone", async () => {
    expect(await through([copy])).toBe(expected);
  });

  it("keeps the quote state across chunk boundaries, wherever the chunks are cut", async () => {
    for (let cut = 1; cut < copy.length; cut++) {
      expect(await through([copy.slice(0, cut), copy.slice(cut)]), `cut at ${cut}`).toBe(expected);
    }
    expect(await through([...copy])).toBe(expected);
  });

  it("hands on one buffer per chunk it gets, however many records the chunk holds", async () => {
    const records = Array.from({ length: 3000 }, (_, i) => `${i},"a\nb"\n`).join("");
    // What a piped destination (the HTTP response) is asked to write: each chunk as it comes.
    const out: Buffer[] = [];
    await pipeline(
      Readable.from([Buffer.from(records), Buffer.from("x\n")]),
      crlfRecordEnds(),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          out.push(chunk);
          done();
        },
      }),
    );
    expect(out).toHaveLength(2);
    expect(Buffer.concat(out).toString()).toBe(`${records.replaceAll('"\n', '"\r\n')}x\r\n`);
  });
});
