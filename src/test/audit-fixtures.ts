// The audit chain's test kit (docs/audit.md): the export and the checkpoint as a
// client gets them (through the real REST adapter), the chain checked line by line with the one
// hash definition (src/audit/chain.ts), the JWKS from its route handler, signatures verified
// with node:crypto, and requests written in bulk with bounded concurrency.
import { createPublicKey, verify } from "node:crypto";
import { expect } from "vitest";
import { type Checkpoint, checkpointSigningInput, eventHash, GENESIS_HASH } from "@/audit/chain";
import { Prisma } from "@/generated/prisma/client";
import { db, queryRows } from "@/server/db/client";
import { type RestOptions, rest } from "./calls";
import { waitFor } from "./execution-fixtures";
import { requestBody } from "./factories";

/** An event line of the export. */
export interface EventLine {
  seq: number;
  prevHash: string;
  hash: string;
  organizationId: string;
  actionId: string | null;
  type: string;
  actor: string;
  data: unknown;
  createdAt: string;
}

/** The line a pruned (retention-deleted) sealed event leaves. */
export interface StubLine {
  seq: number;
  hash: string;
  pruned: true;
}

export interface Trailer {
  checkpoint: Checkpoint;
  range: { fromSeq: number | null; toSeq: number | null };
}

export interface AuditExport {
  /** Event and stub lines, in the order they came. */
  lines: (EventLine | StubLine)[];
  trailer: Trailer;
  /** The NDJSON exactly as it came. */
  text: string;
}

export const isStub = (line: EventLine | StubLine): line is StubLine => (line as StubLine).pruned === true;

/** GET /remediation/audit/export as the organization (every permission) unless `auth` says otherwise. */
export function exportResponse(organizationId: string, query = "", options: RestOptions = {}): Promise<Response> {
  return rest("GET", `/remediation/audit/export${query}`, { auth: { organizationId }, ...options });
}

/** Splits the NDJSON: every line but the last is an event or a stub, the last is the trailer. */
export function parseExport(text: string): AuditExport {
  expect(text.endsWith("\n"), "the export ends with a newline").toBe(true);
  const parsed = text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const trailer = parsed.pop() as unknown as Trailer;
  expect(trailer, "the last line is the checkpoint").toHaveProperty("checkpoint");
  return { lines: parsed as unknown as (EventLine | StubLine)[], trailer, text };
}

/** The whole export (200, NDJSON), parsed. */
export async function exportAudit(organizationId: string, query = ""): Promise<AuditExport> {
  const response = await exportResponse(organizationId, query);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/x-ndjson; charset=utf-8");
  return parseExport(await response.text());
}

/**
 * Checks the lines as the verifier would: seq `fromSeq`, `fromSeq + 1`, … without gaps or
 * duplicates; every event's hash recomputes with eventHash over exactly its exported fields and
 * links to the line before (the genesis hash before seq 1; a first line after seq 1 is the
 * anchor); stubs are taken as they are; the trailer's checkpoint is the last line's seq and hash.
 */
export function expectIntactChain(
  exported: AuditExport,
  organizationId: string,
  { fromSeq = 1 }: { fromSeq?: number } = {},
): { events: number; stubs: number } {
  let previous: string | undefined = fromSeq === 1 ? GENESIS_HASH : undefined;
  let stubs = 0;
  for (const [i, line] of exported.lines.entries()) {
    const seq = fromSeq + i;
    if (line.seq !== seq) throw new Error(`line ${i + 1} has seq ${line.seq}, expected ${seq} (gap or duplicate)`);
    if (isStub(line)) {
      stubs++;
      expect(Object.keys(line).sort()).toEqual(["hash", "pruned", "seq"]);
    } else {
      expect(Object.keys(line).sort()).toEqual(
        ["actionId", "actor", "createdAt", "data", "hash", "organizationId", "prevHash", "seq", "type"].sort(),
      );
      expect(line.organizationId).toBe(organizationId);
      if (previous !== undefined && line.prevHash !== previous) {
        throw new Error(`seq ${seq}: prevHash ${line.prevHash} does not link to the previous hash ${previous}`);
      }
      const recomputed = eventHash({
        organizationId: line.organizationId,
        seq: line.seq,
        actionId: line.actionId,
        type: line.type,
        actor: line.actor,
        data: line.data,
        createdAt: line.createdAt,
        prevHash: line.prevHash,
      });
      if (recomputed !== line.hash) throw new Error(`seq ${seq}: hash ${line.hash} does not recompute (${recomputed})`);
    }
    expect(line.hash).toMatch(/^[0-9a-f]{64}$/);
    previous = line.hash;
  }
  const last = exported.lines.at(-1);
  expect(exported.trailer.checkpoint).toMatchObject({
    organizationId,
    seq: last?.seq ?? 0,
    hash: last?.hash ?? GENESIS_HASH,
  });
  return { events: exported.lines.length - stubs, stubs };
}

// ── the database's view ──────────────────────────────────────────────────────────────────────

/** How many of the organization's events are stored, and how many of them are not sealed yet. */
export async function eventCounts(organizationId: string): Promise<{ total: number; unsealed: number }> {
  const [row] = await queryRows<{ total: number; unsealed: number }>(
    db(),
    Prisma.sql`
    SELECT count(*)::int AS total, (count(*) FILTER (WHERE seq IS NULL))::int AS unsealed
    FROM remediation_events WHERE "organizationId" = ${organizationId}`,
  );
  return row!;
}

/** The seq of every stored event of the organization (null: not sealed), in no particular order. */
export async function storedSeqs(organizationId: string): Promise<(number | null)[]> {
  const rows = await queryRows<{ seq: number | null }>(
    db(),
    Prisma.sql`SELECT seq::float8 AS seq FROM remediation_events WHERE "organizationId" = ${organizationId}`,
  );
  return rows.map((r) => r.seq);
}

/** Waits until every stored event of the organization (at least `atLeast`) is sealed; the count. */
export async function waitForAllSealed(organizationId: string, atLeast: number, timeoutMs = 20_000): Promise<number> {
  return waitFor(
    async () => {
      const { total, unsealed } = await eventCounts(organizationId);
      return total >= atLeast && unsealed === 0 ? total : undefined;
    },
    { timeoutMs, intervalMs: 20, what: `all of ${organizationId}'s events to be sealed` },
  );
}

// ── writing ──────────────────────────────────────────────────────────────────────────────────

/**
 * `count` POST /remediation/request for the incident, `concurrency` in flight at once (all of
 * them by default); each must answer 201. The actions' ids, in the order they were sent.
 */
export async function requestMany(
  organizationId: string,
  incidentId: string,
  count: number,
  { concurrency = count, environment = "staging" }: { concurrency?: number; environment?: string } = {},
): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < count) {
      const i = next++;
      const response = await rest("POST", "/remediation/request", {
        auth: { organizationId },
        body: requestBody(incidentId, { environment }),
      });
      if (response.status !== 201) throw new Error(`request ${i}: ${response.status} ${await response.text()}`);
      ids[i] = ((await response.json()) as { id: string }).id;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return ids;
}

// ── keys and signatures ──────────────────────────────────────────────────────────────────────

export interface Jwk {
  kty: string;
  crv: string;
  kid: string;
  x: string;
  [field: string]: unknown;
}

/** GET /.well-known/remediation-audit-keys (the route handler the rewrite serves; no credentials). */
export async function fetchJwks(): Promise<{ response: Response; keys: Jwk[] }> {
  const { GET } = await import("@/app/api/audit-keys/route");
  const response = await GET();
  const { keys } = (await response.clone().json()) as { keys: Jwk[] };
  return { response, keys };
}

/** GET /remediation/audit/checkpoint as the organization; the checkpoint (200 expected). */
export async function fetchCheckpoint(organizationId: string): Promise<Checkpoint> {
  const response = await rest("GET", "/remediation/audit/checkpoint", { auth: { organizationId } });
  expect(response.status).toBe(200);
  return (await response.json()) as Checkpoint;
}

/** True when the checkpoint's signature verifies with the JWKS key its kid names (false: no such key). */
export function checkpointVerifies(checkpoint: Checkpoint, keys: readonly Jwk[]): boolean {
  const jwk = keys.find((k) => k.kid === checkpoint.kid);
  if (!jwk) return false;
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: "jwk" });
  const { signature, ...body } = checkpoint;
  return verify(null, checkpointSigningInput(body), key, Buffer.from(signature, "base64url"));
}
