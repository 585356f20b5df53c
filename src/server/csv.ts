import { Readable } from "node:stream";
import { stringify as stringifySync } from "csv-stringify/sync";

/** A cell starting with one of these is prefixed with `'` so spreadsheets never run it (§7). */
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "object") text = JSON.stringify(value);
  else text = String(value);
  return FORMULA_START.test(text) ? `'${text}` : text;
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

/** The same formatting for small in-memory exports (email attachments, tests). */
export function toCsv(columns: readonly string[], rows: Iterable<CsvRow>): string {
  const records = [[...columns], ...Array.from(rows, (r) => toRecord(columns, r))];
  return stringifySync(records, { ...OPTIONS });
}
