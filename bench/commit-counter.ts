import { setTimeout as sleep } from "node:timers/promises";
import type pg from "pg";

/**
 * A busy backend reports its statistics at most once a second, an idle one within 10 s
 * (PostgreSQL 15+: PGSTAT_MIN_INTERVAL, PGSTAT_IDLE_INTERVAL), and one that exits at once: after
 * this pause pg_stat_database holds every commit made before it.
 */
const STATS_SETTLE_MS = 11_000;

/**
 * Transactions committed in the bench database (`pg_stat_database.xact_commit`, per database:
 * other databases' commits are not in it, and the bench database is the bench's alone), read
 * after the statistics have settled. Every statement outside an explicit transaction is one
 * commit, a read included; so is this read (the harness counts it with its own queries).
 */
export async function settledCommits(client: pg.Client): Promise<number> {
  await sleep(STATS_SETTLE_MS);
  const { rows } = await client.query<{ n: string }>(
    "SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()",
  );
  return Number(rows[0]!.n);
}

/** WAL written by the whole cluster so far (`pg_stat_wal`, PostgreSQL 14+): bytes and full-page images. */
export interface WalTotals {
  bytes: number;
  fullPageImages: number;
}

/**
 * `pg_stat_wal` as of now; read right after `settledCommits` (the same pause lets every backend
 * report). Cluster-wide, not per database: on the bench's quiet machine the bench database is the
 * only one written to, and the harness's reads write no WAL.
 */
export async function walTotals(client: pg.Client): Promise<WalTotals> {
  const { rows } = await client.query<{ bytes: string; fpi: string }>(
    "SELECT wal_bytes::text AS bytes, wal_fpi::text AS fpi FROM pg_stat_wal",
  );
  return { bytes: Number(rows[0]!.bytes), fullPageImages: Number(rows[0]!.fpi) };
}
