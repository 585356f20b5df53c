import { Prisma } from "@/generated/prisma/client";
import { type Db, type Queryable, queryRows, type Tx } from "../client";
import { copyLinesOut } from "../copy";
import { ACTION_COLUMNS, type RawActionRow } from "./actions/row";

/**
 * The audit chain's statements (docs/audit.md): sealing events (seq, prevHash, hash) and the
 * organization's chain head (audit_heads), the stubs retention leaves (audit_pruned_events, which
 * a trigger writes), the signing keys' public halves (audit_signing_keys), and the export.
 * `seq` is bigint; it is read as float8 (exact to 2^53) so JavaScript gets a number.
 */

export interface ChainHead {
  seq: number;
  hash: string;
}

/** An event waiting for its seq, with exactly the fields its hash covers. */
export interface UnsealedEvent {
  id: string;
  actionId: string | null;
  type: string;
  actor: string;
  data: unknown;
  createdAt: Date;
}

/** A sealed event's place in the chain. */
export interface Seal {
  id: string;
  seq: number;
  prevHash: string;
  hash: string;
}

/**
 * Takes the organization's sealing lock for this transaction if it is free: one sealer per
 * organization at a time, in any process; organizations never wait for each other.
 */
export async function tryLockSealing(tx: Tx, organizationId: string): Promise<boolean> {
  const [row] = await queryRows<{ locked: boolean }>(
    tx,
    Prisma.sql`SELECT pg_try_advisory_xact_lock(hashtext(${`audit-seal:${organizationId}`})) AS locked`,
  );
  return row?.locked === true;
}

/** The last sealed (seq, hash), or undefined before the first seal. */
export async function findChainHead(q: Queryable, organizationId: string): Promise<ChainHead | undefined> {
  const [row] = await queryRows<ChainHead>(
    q,
    Prisma.sql`SELECT seq::float8 AS seq, hash FROM audit_heads WHERE "organizationId" = ${organizationId}`,
  );
  return row;
}

/**
 * Up to `limit` of the organization's committed unsealed events, in the order they get their
 * seq: createdAt, then the lifecycle order of the type enum, then id (the order of an action's
 * events in GET /remediation/:id). The (organizationId, seq) index finds them (seq IS NULL).
 * FOR UPDATE SKIP LOCKED: an event retention is deleting at this moment (its delete trigger holds
 * the row) is left out — never waited for, which could deadlock with the delete's own order — so
 * no seq is ever computed on top of an event that will not get it; if the deletion rolls back,
 * the event is sealed by the next run.
 */
export async function listUnsealedEvents(tx: Tx, organizationId: string, limit: number): Promise<UnsealedEvent[]> {
  return queryRows<UnsealedEvent>(
    tx,
    Prisma.sql`
    SELECT id, "actionId", type::text AS type, actor, data, "createdAt" FROM remediation_events
    WHERE "organizationId" = ${organizationId} AND seq IS NULL
    ORDER BY "createdAt", type, id
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`,
  );
}

/**
 * Writes the seals (the events' one permitted update) and moves the head to the last one, in one
 * statement; NOTIFY rcc_audit_sealed with `{ organizationId, seq }` at commit (live streams).
 * Throws (the caller's transaction rolls back) unless every seal found its event unsealed: a
 * chain with a seq that exists nowhere must never commit.
 */
export async function writeSeals(tx: Tx, organizationId: string, seals: readonly Seal[]): Promise<void> {
  const last = seals.at(-1);
  if (!last) return;
  const [written] = await queryRows<{ sealed: number }>(
    tx,
    Prisma.sql`
    WITH sealed AS (
      UPDATE remediation_events e
      SET seq = s.seq, "prevHash" = s."prevHash", hash = s.hash
      FROM unnest(${seals.map((s) => s.id)}::uuid[], ${seals.map((s) => s.seq)}::int8[],
                  ${seals.map((s) => s.prevHash)}::text[], ${seals.map((s) => s.hash)}::text[])
           AS s(id, seq, "prevHash", hash)
      WHERE e.id = s.id AND e."organizationId" = ${organizationId} AND e.seq IS NULL
      RETURNING 1
    ), head AS (
      INSERT INTO audit_heads ("organizationId", seq, hash, "updatedAt")
      VALUES (${organizationId}, ${last.seq}::int8, ${last.hash}, clock_timestamp())
      ON CONFLICT ("organizationId") DO UPDATE SET seq = EXCLUDED.seq, hash = EXCLUDED.hash, "updatedAt" = clock_timestamp()
    )
    SELECT (SELECT count(*) FROM sealed)::int AS sealed,
           pg_notify('rcc_audit_sealed', ${JSON.stringify({ organizationId, seq: last.seq })})`,
  );
  if (written?.sealed !== seals.length) {
    throw new Error(`sealing ${organizationId}: ${written?.sealed ?? 0} of ${seals.length} events were still unsealed`);
  }
}

/**
 * Cross-organization (the sweep seals every organization): organizations with committed
 * unsealed events. One index probe per organization, not a scan of the events.
 */
export async function acrossOrganizationsWithUnsealedEvents(q: Queryable): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    q,
    Prisma.sql`
    SELECT o.id FROM organizations o
    WHERE EXISTS (SELECT 1 FROM remediation_events e WHERE e."organizationId" = o.id AND e.seq IS NULL)`,
  );
  return rows.map((r) => r.id);
}

/** The hash of the event (or pruned stub) at `seq`, or undefined when that seq is not sealed. */
export async function findHashAt(q: Queryable, organizationId: string, seq: number): Promise<string | undefined> {
  const [row] = await queryRows<{ hash: string }>(
    q,
    Prisma.sql`
    SELECT hash FROM remediation_events WHERE "organizationId" = ${organizationId} AND seq = ${seq}::int8
    UNION ALL
    SELECT hash FROM audit_pruned_events WHERE "organizationId" = ${organizationId} AND seq = ${seq}::int8
    LIMIT 1`,
  );
  return row?.hash;
}

/** `to_char` of a timestamptz as the API writes instants: ISO 8601 UTC with milliseconds. */
const isoInstant = (column: Prisma.Sql) =>
  Prisma.sql`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The export's event and stub lines for seq in [fromSeq, toSeq], in seq order (a merge of two
 * index ranges), as PostgreSQL's own JSON text streamed by COPY: one snapshot, memory flat,
 * the bytes forwarded as the client drains (docs/audit.md#export).
 */
export function copyChainLines(db: Db, organizationId: string, range: { fromSeq: number; toSeq: number }) {
  const within = Prisma.sql`"organizationId" = ${organizationId} AND seq BETWEEN ${range.fromSeq} AND ${range.toSeq}`;
  return copyLinesOut(
    db,
    Prisma.sql`
    SELECT line FROM (
      SELECT seq, json_build_object('seq', seq, 'prevHash', "prevHash", 'hash', hash,
        'organizationId', "organizationId", 'actionId', "actionId", 'type', type, 'actor', actor,
        'data', data, 'createdAt', ${isoInstant(Prisma.sql`"createdAt"`)})::text AS line
      FROM remediation_events WHERE ${within}
      UNION ALL
      SELECT seq, json_build_object('seq', seq, 'hash', hash, 'pruned', true)::text
      FROM audit_pruned_events WHERE ${within}
    ) chain
    ORDER BY seq`,
  );
}

/** Lists a signing key's public half (once; a key already listed is left as it is). */
export async function registerSigningKey(q: Queryable, kid: string, publicJwk: object): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO audit_signing_keys (kid, "publicJwk") VALUES (${kid}, ${JSON.stringify(publicJwk)}::jsonb)
    ON CONFLICT (kid) DO NOTHING`,
  );
}

/** Every public key that ever signed, oldest first. */
export async function listSigningKeys(q: Queryable): Promise<{ kid: string; publicJwk: Record<string, unknown> }[]> {
  return queryRows(q, Prisma.sql`SELECT kid, "publicJwk" FROM audit_signing_keys ORDER BY "createdAt", kid`);
}

/** A sealed event for the live stream, with its action as it is now (docs/behaviour.md#live-stream). */
export interface StreamEvent {
  seq: number;
  actionId: string | null;
  type: string;
  actor: string;
  createdAt: Date;
  action: RawActionRow | null;
}

/**
 * The organization's sealed events after `afterSeq`, oldest first, at most `limit`, each with
 * its action row read in the same statement (a range of the (organizationId, seq) index and one
 * key lookup per event).
 */
export async function listSealedEventsAfter(
  q: Queryable,
  organizationId: string,
  afterSeq: number,
  limit: number,
): Promise<StreamEvent[]> {
  return queryRows<StreamEvent>(
    q,
    Prisma.sql`
    SELECT e.seq::float8 AS seq, e."actionId", e.type::text AS type, e.actor, e."createdAt",
      (SELECT row_to_json(a) FROM (
         SELECT ${ACTION_COLUMNS} FROM remediation_actions
         WHERE id = e."actionId" AND "organizationId" = e."organizationId") a) AS action
    FROM remediation_events e
    WHERE e."organizationId" = ${organizationId} AND e.seq > ${afterSeq}::int8
    ORDER BY e.seq
    LIMIT ${limit}`,
  );
}
