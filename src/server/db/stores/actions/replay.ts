import pg from "pg";
import { Prisma } from "@/generated/prisma/client";
import type { Severity } from "@/lib/schemas";
import { type Db, type Tx, transaction } from "../../client";

/**
 * One request of the policy replay (docs/behaviour.md#policy-simulate) as an array, in this
 * order: createdAt in epoch ms, actionType, environment, severity, the policy version that judged
 * it (null: made before versions existed), id, incidentId.
 */
export type ReplayRow = [
  createdAtMs: number,
  actionType: string,
  environment: string,
  severity: Severity,
  policyVersion: number | null,
  id: string,
  incidentId: string,
];

/**
 * Every request created in [from, to], newest first (createdAt desc, id desc), from ONE cursor
 * over the (organizationId, createdAt, id) index in one read-only snapshot, fetched `batch` rows at
 * a time: each row goes to `onRow` as it is parsed, and `onBatchEnd` runs (and is awaited) after
 * each batch, given the cursor's transaction: what it reads must not wait for a second pooled
 * connection while this one is held (concurrent replays would exhaust the pool and wait on each
 * other). Memory stays flat whatever the window holds: rows are never gathered into a result
 * (rows that pg collects into one survive the young generation's collections and fill the old one
 * with garbage, bench P8), arrive as arrays with createdAt as a number (pg's timestamptz parser
 * costs two regex matches and a Date per row; the columns are timestamptz(3), so the epoch ms is
 * exact), and only the narrow columns (never the TOASTed `details`). An `onRow` that throws stops
 * the calls; the error is thrown once the batch is in.
 */
export async function forEachReplayRow(
  db: Db,
  organizationId: string,
  input: { from: Date; to: Date; batch: number },
  handlers: { onRow: (row: ReplayRow) => void; onBatchEnd: (tx: Tx) => Promise<void> },
): Promise<void> {
  const declare = Prisma.sql`
    DECLARE replay NO SCROLL CURSOR FOR
    SELECT (extract(epoch FROM "createdAt") * 1000)::float8, "actionType", environment, severity::text,
           "policyVersion", id, "incidentId"
    FROM remediation_actions
    WHERE "organizationId" = ${organizationId}
      AND "createdAt" >= ${input.from}::timestamptz AND "createdAt" <= ${input.to}::timestamptz
    ORDER BY "createdAt" DESC, id DESC`;
  const fetch = `FETCH ${Math.trunc(input.batch)} FROM replay`;
  await transaction(db, async (tx) => {
    const { client } = tx;
    await client.query("SET TRANSACTION READ ONLY");
    await client.query(declare.text, declare.values);
    for (;;) {
      let rows = 0;
      let failed: { error: unknown } | undefined;
      // pg.Query accepts rowMode at run time; its typings only declare it on client.query's config.
      const query = new pg.Query({ text: fetch, rowMode: "array" } as pg.QueryConfig);
      query.on("row", (row: ReplayRow) => {
        rows += 1;
        if (failed) return;
        try {
          handlers.onRow(row);
        } catch (error) {
          failed = { error };
        }
      });
      await new Promise<void>((resolve, reject) => {
        query.once("end", () => resolve());
        query.once("error", reject);
        client.query(query);
      });
      if (failed) throw failed.error;
      await handlers.onBatchEnd(tx);
      if (rows < input.batch) return;
    }
  });
}
