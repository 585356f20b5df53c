import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { crlfRecordEnds, csvHeader } from "@/server/csv";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { AUDIT_CSV_COLUMNS, copyActionsCsv, type ExportFilters } from "@/server/db/stores/actions";

/**
 * GET /remediation/export/csv (docs/behaviour.md#csv-export): the header, then PostgreSQL's COPY
 * of the rows (newest first) as CSV, record ends turned into CRLF. PostgreSQL formats and quotes
 * on its own core while this process only forwards bytes, as fast as the HTTP client drains, so
 * memory is flat whatever `limit` is (docs/adr/0002-copy-csv-export.md). `details` is the jsonb's
 * own JSON text.
 */
export async function exportActionsCsv(
  { db, scope }: { db: Db; scope: OrgScope },
  input: ExportFilters & { limit: number },
): Promise<Readable> {
  const rows = await copyActionsCsv(db, scope.organizationId, input);
  const out = crlfRecordEnds();
  out.push(csvHeader(AUDIT_CSV_COLUMNS));
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
