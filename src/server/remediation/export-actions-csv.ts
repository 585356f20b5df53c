import { Prisma } from "@/generated/prisma/client";
import type { CsvRow } from "@/server/csv";
import { type Db, readRows } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { ACTION_COLUMNS, type RawActionRow } from "./action-row";
import { type ActionFilters, actionFilterSql } from "./list-actions";
import { CSV_COLUMNS } from "./schemas";

/** Rows per query: big enough to amortise round trips, small enough to keep memory flat. */
export const EXPORT_BATCH_SIZE = 2000;

/**
 * GET /remediation/export/csv: the rows, newest first, pulled in keyset batches
 * ((createdAt, id) < the last row seen, on the same indexes as the list) as the HTTP stream
 * asks for them, so memory holds one batch whatever `limit` is.
 */
export function exportActionsCsv(
  { db, scope }: { db: Db; scope: OrgScope },
  input: Omit<ActionFilters, "incidentId"> & { limit: number },
  batchSize = EXPORT_BATCH_SIZE,
): AsyncIterable<CsvRow> {
  return (async function* () {
    let remaining = input.limit;
    let after: { createdAt: Date; id: string } | undefined;
    while (remaining > 0) {
      const take = Math.min(batchSize, remaining);
      const rows = await readRows<RawActionRow>(db, exportBatchQuery(scope, input, take, after));
      for (const row of rows) yield csvRow(row);
      const last = rows.at(-1);
      if (!last || rows.length < take) return;
      remaining -= rows.length;
      after = { createdAt: last.createdAt, id: last.id };
    }
  })();
}

/** One keyset batch: the rows after `after` in (createdAt desc, id desc) order. */
export function exportBatchQuery(
  scope: OrgScope,
  filters: Omit<ActionFilters, "incidentId">,
  take: number,
  after?: { createdAt: Date; id: string },
): Prisma.Sql {
  return Prisma.sql`
    SELECT ${ACTION_COLUMNS} FROM remediation_actions
    WHERE ${actionFilterSql(scope, filters)}
      ${after ? Prisma.sql`AND ("createdAt", id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
    ORDER BY "createdAt" DESC, id DESC
    LIMIT ${take}`;
}

function csvRow(row: RawActionRow): CsvRow {
  const out: CsvRow = {};
  for (const column of CSV_COLUMNS) out[column] = row[column];
  return out;
}
