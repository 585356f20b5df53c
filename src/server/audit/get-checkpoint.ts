import { type Checkpoint, GENESIS_HASH } from "@/audit/chain";
import type { Db, Queryable } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { findChainHead, findHashAt } from "@/server/db/stores/audit";
import { signCheckpoint } from "./keys";

/**
 * A signed checkpoint of the organization's chain at `seq` (the sealed head when absent or past
 * it; seq 0 with the genesis hash before anything is sealed): docs/audit.md#checkpoint.
 */
export async function signedCheckpoint(
  q: Queryable,
  organizationId: string,
  seq?: number,
  now: Date = new Date(),
): Promise<Checkpoint> {
  const head = (await findChainHead(q, organizationId)) ?? { seq: 0, hash: GENESIS_HASH };
  let at = head;
  if (seq !== undefined && seq < head.seq) {
    const hash = seq === 0 ? GENESIS_HASH : await findHashAt(q, organizationId, seq);
    if (hash === undefined) throw new Error(`sealed seq ${seq} of ${organizationId} has no event or stub`);
    at = { seq, hash };
  }
  return signCheckpoint(q, { organizationId, seq: at.seq, hash: at.hash, issuedAt: now.toISOString() });
}

/** GET /remediation/audit/checkpoint: the signed head. */
export function getCheckpoint({ db, scope }: { db: Db; scope: OrgScope }): Promise<Checkpoint> {
  return signedCheckpoint(db, scope.organizationId);
}
