import type { Readable } from "node:stream";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import type { Prisma } from "@/generated/prisma/client";
import { type Db, requirePool } from "./client";

/**
 * COPY accepts no bind parameters, so the query's values become literals: strings (and Dates, as
 * ISO text) through pg's own escapeLiteral, finite numbers as they are. Placeholders are only
 * looked for in the builder's text, never in the values.
 */
function inlineParameters(query: Prisma.Sql): string {
  return query.text.replace(/\$(\d+)/g, (_, n: string) => literal(query.values[Number(n) - 1]));
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (typeof value === "string") return pg.escapeLiteral(value);
  throw new TypeError(`Cannot inline a ${typeof value} into COPY`);
}

/**
 * `COPY (query) TO STDOUT (FORMAT csv)` from the process pool as a byte stream: PostgreSQL
 * formats and quotes the CSV (RFC 4180: fields with a comma, quote, CR or LF are quoted, quotes
 * doubled; NULL is an empty unquoted field) and pg-copy-streams reads the socket only as fast as
 * the consumer drains, so memory stays flat. The connection is held until the stream ends; one
 * that stops early (client hung up, error) is discarded rather than returned to the pool
 * mid-COPY.
 */
export function copyCsvOut(db: Db, query: Prisma.Sql): Promise<Readable> {
  return copyOut(db, query, "FORMAT csv");
}

/**
 * A query of ONE text column (each value a line without raw control characters, e.g. PostgreSQL's
 * JSON text, which escapes them) streamed as those lines, each ending in `\n`, byte for byte: CSV
 * format with a delimiter and quote character that such text never contains, so nothing is
 * quoted or escaped (the text format would double every backslash).
 */
export function copyLinesOut(db: Db, query: Prisma.Sql): Promise<Readable> {
  return copyOut(db, query, "FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02'");
}

/** The COPY statement copyCsvOut runs for `query` (the bench's raw-COPY baseline runs it too). */
export function copyCsvStatement(query: Prisma.Sql, options = "FORMAT csv"): string {
  return `COPY (${inlineParameters(query)}) TO STDOUT WITH (${options})`;
}

async function copyOut(db: Db, query: Prisma.Sql, options: string): Promise<Readable> {
  const client = await requirePool(db, "copyOut").connect();
  let finished = false;
  try {
    const stream = client.query(copyTo(copyCsvStatement(query, options)));
    stream.once("end", () => {
      finished = true;
    });
    stream.once("close", () => client.release(finished ? undefined : new Error("COPY stopped early")));
    return stream;
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
}
