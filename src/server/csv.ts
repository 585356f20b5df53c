import { Readable } from "node:stream";
import { stringify } from "csv-stringify";
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

/** Streams rows as CSV; memory stays flat because rows are pulled one batch at a time. */
export function csvStream(columns: readonly string[], rows: AsyncIterable<CsvRow>): Readable {
  const stringifier = stringify({ ...OPTIONS });
  stringifier.write([...columns]);
  const source = Readable.from(
    (async function* () {
      for await (const row of rows) yield toRecord(columns, row);
    })(),
    { objectMode: true },
  );
  source.on("error", (err) => stringifier.destroy(err));
  return source.pipe(stringifier);
}

/** The same formatting for small in-memory exports (email attachments, tests). */
export function toCsv(columns: readonly string[], rows: Iterable<CsvRow>): string {
  const records = [[...columns], ...Array.from(rows, (r) => toRecord(columns, r))];
  return stringifySync(records, { ...OPTIONS });
}
