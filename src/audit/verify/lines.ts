import { createReadStream } from "node:fs";

/**
 * Line splitting of an export (docs/audit.md#verify): "\n" ends a line, a "\r" before it is
 * dropped, a UTF-8 byte order mark is skipped, and the empty piece after a final newline is not a
 * line. Splitting on the byte 0x0A is safe in UTF-8 (no multi-byte character contains it) and
 * cheaper than decoding chunks into strings first.
 */

/** Longest line read: a file without newlines cannot make the verifier hold it whole. */
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export class LineTooLongError extends Error {
  constructor() {
    super(`a line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB`);
  }
}

/** A piece of the file: whole lines each ending in "\n", or (last) the line with no newline after it. */
export interface LineChunk {
  bytes: Buffer;
  terminated: boolean;
}

/** The file in pieces of whole lines; memory stays at a read buffer and one line. */
export async function* lineChunks(path: string): AsyncGenerator<LineChunk> {
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024 });
  let rest: Buffer | undefined;
  let first = true;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      let bytes = rest ? Buffer.concat([rest, read]) : read;
      if (first && bytes.length >= BOM.length) {
        first = false;
        if (bytes.subarray(0, BOM.length).equals(BOM)) bytes = bytes.subarray(BOM.length);
      }
      const end = bytes.lastIndexOf(NEWLINE) + 1;
      rest = end < bytes.length ? Buffer.from(bytes.subarray(end)) : undefined;
      if (rest && rest.length > MAX_LINE_BYTES) throw new LineTooLongError();
      if (end > 0) yield { bytes: bytes.subarray(0, end), terminated: true };
    }
    if (rest) yield { bytes: rest, terminated: false };
  } finally {
    stream.destroy();
  }
}

/** Each line of a chunk, decoded; `onLine` returns false to stop. False when stopped. */
export function forEachLine(chunk: LineChunk, onLine: (text: string, terminated: boolean) => boolean): boolean {
  const { bytes, terminated } = chunk;
  if (!terminated) return onLine(decode(bytes, 0, bytes.length), false);
  let start = 0;
  let end = bytes.indexOf(NEWLINE, start);
  while (end !== -1) {
    if (!onLine(decode(bytes, start, end), true)) return false;
    start = end + 1;
    end = bytes.indexOf(NEWLINE, start);
  }
  return true;
}

/** The lines of an export held in a string, split exactly as a file's. */
export function forEachLineOf(text: string, onLine: (text: string, terminated: boolean) => boolean): void {
  let bytes = Buffer.from(text, "utf8");
  if (bytes.subarray(0, BOM.length).equals(BOM)) bytes = bytes.subarray(BOM.length);
  const end = bytes.lastIndexOf(NEWLINE) + 1;
  if (!forEachLine({ bytes: bytes.subarray(0, end), terminated: true }, onLine)) return;
  if (end < bytes.length) forEachLine({ bytes: bytes.subarray(end), terminated: false }, onLine);
}

function decode(bytes: Buffer, start: number, end: number): string {
  const stop = end > start && bytes[end - 1] === CARRIAGE_RETURN ? end - 1 : end;
  return bytes.toString("utf8", start, stop);
}
