import type { Readable } from "node:stream";
import { Prisma } from "@/generated/prisma/client";
import { FORMULA_FIRST_CHARS } from "@/server/csv";
import type { Db } from "../../client";
import { copyCsvOut } from "../../copy";
import { type ActionFilters, actionFilterSql } from "./reads";

/** The audit export's columns, in order (docs/behaviour.md#csv-export). */
export const AUDIT_CSV_COLUMNS = [
  "id",
  "incidentId",
  "actionType",
  "status",
  "performedBy",
  "serviceName",
  "environment",
  "createdAt",
  "updatedAt",
  "details",
  "error",
] as const;

export interface ExportFilters extends Omit<ActionFilters, "incidentId"> {
  /** Created in (after, atOrBefore]: a report period (the report's attachment is this export). */
  created?: { after: Date; atOrBefore: Date };
}

/** A text cell as the export writes it: formula-prefixed, empty string = empty cell. */
const cell = (column: Prisma.Sql) => Prisma.sql`
  NULLIF(CASE WHEN left(${column}, 1) IN (${Prisma.join([...FORMULA_FIRST_CHARS])}) THEN '''' || ${column} ELSE ${column} END, '')`;

/** ISO 8601 UTC with milliseconds, like Date#toISOString (the columns are timestamptz(3)). */
const iso = (column: Prisma.Sql) => Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The export as one statement whose columns are the CSV cells, in AUDIT_CSV_COLUMNS order. The
 * inner query is the list's (same filter, same index, no Sort); the outer one formats each row
 * once (details rendered to text once, not once per use in the formula check).
 */
export function exportCsvQuery(organizationId: string, filters: ExportFilters, limit: number): Prisma.Sql {
  const c = (name: string) => Prisma.raw(`a."${name}"`);
  const cells: Record<(typeof AUDIT_CSV_COLUMNS)[number], Prisma.Sql> = {
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
    SELECT ${Prisma.join(AUDIT_CSV_COLUMNS.map((name) => cells[name]))}
    FROM (
      SELECT id, "incidentId", "actionType", status, "performedBy", "serviceName", environment,
             "createdAt", "updatedAt", details::text AS details, error
      FROM remediation_actions
      WHERE ${actionFilterSql(organizationId, filters)}
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
 * The rows as CSV records (no header, LF record ends) straight from PostgreSQL's COPY
 * (docs/adr/0002-copy-csv-export.md): read as fast as the consumer drains, memory flat.
 */
export function copyActionsCsv(
  db: Db,
  organizationId: string,
  filters: ExportFilters & { limit: number },
): Promise<Readable> {
  return copyCsvOut(db, exportCsvQuery(organizationId, filters, filters.limit));
}
