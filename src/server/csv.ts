import { Readable, Transform } from "node:stream";
import { stringify as stringifySync } from "csv-stringify/sync";
import { z } from "zod";

/** A cell starting with one of these is prefixed with `'` so spreadsheets never run it (§7). */
export const FORMULA_FIRST_CHARS = ["=", "+", "-", "@", "\t", "\r"] as const;
const FORMULA_FIRST = new Set<string>(FORMULA_FIRST_CHARS);

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "object") text = JSON.stringify(value);
  else text = String(value);
  return FORMULA_FIRST.has(text.charAt(0)) ? `'${text}` : text;
}

// RFC 4180 quoting by csv-stringify; CRLF after every record including the last; no BOM.
const OPTIONS = { record_delimiter: "\r\n", bom: false, quoted_match: /[\r\n]/ } as const;

export type CsvRow = Record<string, unknown>;

function toRecord(columns: readonly string[], row: CsvRow): string[] {
  return columns.map((c) => cell(row[c]));
}

/** Records per chunk: one chunk per row would cost a stream hop (and a web-stream copy) per row. */
const ROWS_PER_CHUNK = 500;

/**
 * Streams rows as CSV in chunks of ROWS_PER_CHUNK records; rows are pulled only as the consumer
 * reads, so memory stays flat whatever the export size.
 */
export function csvStream(columns: readonly string[], rows: AsyncIterable<CsvRow>): Readable {
  return Readable.from(
    (async function* () {
      yield Buffer.from(stringifySync([[...columns]], OPTIONS));
      let group: string[][] = [];
      for await (const row of rows) {
        group.push(toRecord(columns, row));
        if (group.length === ROWS_PER_CHUNK) {
          yield Buffer.from(stringifySync(group, OPTIONS));
          group = [];
        }
      }
      if (group.length > 0) yield Buffer.from(stringifySync(group, OPTIONS));
    })(),
    { objectMode: false },
  );
}

/** The header record alone (a streamed export writes it before its rows). */
export function csvHeader(columns: readonly string[]): Buffer {
  return Buffer.from(stringifySync([[...columns]], OPTIONS));
}

/** Output schema of a procedure whose result the REST adapter streams as CSV (rows or bytes). */
export const csvResultSchema = z.custom<AsyncIterable<CsvRow> | Readable>(
  (v) => typeof (v as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function",
  "Expected CSV rows",
);

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * PostgreSQL's COPY ends records with LF; the export's records end with CRLF
 * (docs/behaviour.md#csv-export). A record ends at an LF outside quotes (an LF inside a quoted
 * field is data and stays as it is); COPY doubles quotes inside quoted fields, so toggling on
 * every quote byte tracks "inside a field" exactly, across chunk boundaries too. Quoting itself
 * stays PostgreSQL's. One output buffer per input chunk (pg-copy-streams hands over what one
 * socket read brought, many records): a piece per record would be a write per record downstream.
 */
export function crlfRecordEnds(): Transform {
  let quoted = false;
  let ends = new Int32Array(1024);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let count = 0;
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === LF && !quoted) {
          if (count === ends.length) {
            const grown = new Int32Array(ends.length * 2);
            grown.set(ends);
            ends = grown;
          }
          ends[count++] = i;
        }
      }
      if (count === 0) {
        done(null, chunk);
        return;
      }
      const out = Buffer.allocUnsafe(chunk.length + count);
      let from = 0;
      let to = 0;
      for (let k = 0; k < count; k++) {
        const lf = ends[k] as number;
        to += chunk.copy(out, to, from, lf);
        out[to++] = CR;
        out[to++] = LF;
        from = lf + 1;
      }
      chunk.copy(out, to, from);
      done(null, out);
    },
  });
}
