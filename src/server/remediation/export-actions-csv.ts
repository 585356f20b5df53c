import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Prisma } from "@/generated/prisma/client";
import { crlfRecordEnds, csvHeader, FORMULA_FIRST_CHARS } from "@/server/csv";
import type { Db } from "@/server/db/client";
import { copyCsvOut } from "@/server/db/copy";
import type { OrgScope } from "@/server/db/scoped";
import { type ActionFilters, actionFilterSql } from "./list-actions";
import { CSV_COLUMNS } from "./schemas";

/** A text cell as the contract writes it: formula-prefixed (§7), empty string = empty cell. */
const cell = (column: Prisma.Sql) => Prisma.sql`
  NULLIF(CASE WHEN left(${column}, 1) IN (${Prisma.join([...FORMULA_FIRST_CHARS])}) THEN '''' || ${column} ELSE ${column} END, '')`;

/** ISO 8601 UTC with milliseconds, like Date#toISOString (the columns are timestamptz(3)). */
const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The export as one statement whose columns are the CSV cells, in CSV_COLUMNS order. The inner
 * query is the list's (same filter, same index, no Sort); the outer one formats each row once
 * (details rendered to text once, not once per use in the formula check).
 */
export interface ExportFilters extends Omit<ActionFilters, "incidentId"> {
  /** Created in (after, atOrBefore]: a report period (the report's attachment is this export). */
  created?: { after: Date; atOrBefore: Date };
}

export function exportCsvQuery(scope: OrgScope, filters: ExportFilters, limit: number) {
  const c = (name: string) => Prisma.raw(`a."${name}"`);
  const cells: Record<(typeof CSV_COLUMNS)[number], Prisma.Sql> = {
    id: c("id"),
    incidentId: c("incidentId"),
    actionType: cell(c("actionType")),
    status: c("status"),
    performedBy: cell(c("performedBy")),
    serviceName: cell(c("serviceName")),
    environment: cell(c("environment")),
    createdAt: iso(c("createdAt")),
    updatedAt: iso(c("updatedAt")),
    details: cell(c("details")),
    error: cell(c("error")),
  };
  return Prisma.sql`
    SELECT ${Prisma.join(CSV_COLUMNS.map((name) => cells[name]))}
    FROM (
      SELECT id, "incidentId", "actionType", status, "performedBy", "serviceName", environment,
             "createdAt", "updatedAt", details::text AS details, error
      FROM remediation_actions
      WHERE ${actionFilterSql(scope, filters)}
        ${
          filters.created
            ? Prisma.sql`AND "createdAt" > ${filters.created.after}::timestamptz AND "createdAt" <= ${filters.created.atOrBefore}::timestamptz`
            : Prisma.empty
        }
      ORDER BY "createdAt" DESC, id DESC
      LIMIT ${limit}
    ) a
    ORDER BY a."createdAt" DESC, a.id DESC`;
}

/**
 * GET /remediation/export/csv: the header, then PostgreSQL's COPY of the rows (newest first) as
 * CSV, record ends turned into CRLF. PostgreSQL formats and quotes in C on its own core while
 * this process only forwards bytes; pg-copy-streams reads as fast as the HTTP client drains, so
 * memory is flat whatever `limit` is (bench P3). `details` is the jsonb's own JSON text.
 */
export async function exportActionsCsv(
  { db, scope }: { db: Db; scope: OrgScope },
  input: ExportFilters & { limit: number },
): Promise<Readable> {
  const rows = await copyCsvOut(db, exportCsvQuery(scope, input, input.limit));
  const out = crlfRecordEnds();
  out.push(csvHeader(CSV_COLUMNS));
  // pipeline destroys the COPY stream (and its connection is discarded) if the client hangs up.
  pipeline(rows, out).catch(() => {});
  return out;
}

/** The export as one string: a report's attachment (bounded by its row cap). */
export async function exportActionsCsvText(...args: Parameters<typeof exportActionsCsv>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await exportActionsCsv(...args)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
