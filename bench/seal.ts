import pg from "pg";
import { GENESIS_HASH } from "@/audit/chain";
import { chainSeals } from "@/server/audit/sealer";
import type { UnsealedEvent } from "@/server/db/stores/audit";

/**
 * The harness's bulk sealer (docs/audit.md#sealing): the seed writes its 1.91M events unsealed,
 * and the first worker would otherwise seal them during P5. Per organization, its unsealed events
 * are read in the sealer's order (createdAt, lifecycle order of the type, id) through a cursor,
 * chained from its head by the product's own `chainSeals` (`eventHash`), and the seals are
 * collected in an unlogged table; then ONE update writes them all (a hash join on id: no index needed, so the
 * seed can run it before its indexes are rebuilt) — the append-only trigger still checks every
 * row — and the heads move. Organizations are read on two connections at once.
 */

const FETCH = 20_000;
const STAGING = "bench_audit_seals";

async function chainOrganization(
  client: pg.PoolClient,
  organizationId: string,
): Promise<{ seq: number; hash: string }> {
  const head = await client.query<{ seq: number; hash: string }>(
    `SELECT seq::float8 AS seq, hash FROM audit_heads WHERE "organizationId" = $1`,
    [organizationId],
  );
  let { seq, hash } = head.rows[0] ?? { seq: 0, hash: GENESIS_HASH };
  await client.query("BEGIN");
  try {
    await client.query(
      `DECLARE bench_unsealed NO SCROLL CURSOR FOR
       SELECT id, "actionId", type::text AS type, actor, data, "createdAt" FROM remediation_events
       WHERE "organizationId" = $1 AND seq IS NULL ORDER BY "createdAt", type, id`,
      [organizationId],
    );
    for (;;) {
      const { rows } = await client.query<UnsealedEvent>(`FETCH ${FETCH} FROM bench_unsealed`);
      if (rows.length === 0) break;
      const seals = chainSeals(organizationId, { seq, hash }, rows);
      ({ seq, hash } = seals.at(-1)!);
      await client.query(
        `INSERT INTO ${STAGING} (id, seq, "prevHash", hash) SELECT * FROM unnest($1::uuid[], $2::int8[], $3::text[], $4::text[])`,
        [seals.map((x) => x.id), seals.map((x) => x.seq), seals.map((x) => x.prevHash), seals.map((x) => x.hash)],
      );
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
  return { seq, hash };
}

/** Seals every unsealed event of `organizations`; returns how many were sealed. */
export async function sealOrganizations(url: string, organizations: readonly string[]): Promise<number> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    options: "-c synchronous_commit=off -c work_mem=256MB",
  });
  try {
    await pool.query(
      `DROP TABLE IF EXISTS ${STAGING}; CREATE UNLOGGED TABLE ${STAGING} (id uuid, seq int8, "prevHash" text, hash text)`,
    );
    const heads = new Map<string, { seq: number; hash: string }>();
    const queue = [...organizations];
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        for (let org = queue.shift(); org !== undefined; org = queue.shift()) {
          const client = await pool.connect();
          try {
            heads.set(org, await chainOrganization(client, org));
          } finally {
            client.release();
          }
        }
      }),
    );
    const client = await pool.connect();
    try {
      // Its size for the planner: a join by hash (seed) or through the primary key (a few thousand).
      await client.query(`ANALYZE ${STAGING}`);
      await client.query("BEGIN");
      const updated = await client.query(
        `UPDATE remediation_events e SET seq = s.seq, "prevHash" = s."prevHash", hash = s.hash
         FROM ${STAGING} s WHERE e.id = s.id AND e.seq IS NULL`,
      );
      const staged = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${STAGING}`)).rows[0]!.n;
      if (updated.rowCount !== staged) throw new Error(`bulk seal: ${updated.rowCount} of ${staged} events updated`);
      const moved = [...heads].filter(([, h]) => h.seq > 0);
      await client.query(
        `INSERT INTO audit_heads ("organizationId", seq, hash, "updatedAt")
         SELECT * , now() FROM unnest($1::text[], $2::int8[], $3::text[])
         ON CONFLICT ("organizationId") DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, "updatedAt" = now()
         WHERE audit_heads.seq < EXCLUDED.seq`,
        [moved.map(([o]) => o), moved.map(([, h]) => h.seq), moved.map(([, h]) => h.hash)],
      );
      await client.query("COMMIT");
      return staged;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  } finally {
    await pool.query(`DROP TABLE IF EXISTS ${STAGING}`).catch(() => {});
    await pool.end();
  }
}
