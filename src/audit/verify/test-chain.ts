import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import {
  type ChainedEventFields,
  type Checkpoint,
  type CheckpointBody,
  checkpointSigningInput,
  eventHash,
  GENESIS_HASH,
} from "../chain";
import type { ExportedEvent } from "./parse-line";

/**
 * Test-only: valid exports (docs/audit.md#verify) built with the real event hash and signed with
 * a throwaway Ed25519 key, for the verifier's tests and end-to-end tests that tamper with them.
 */

export const TEST_ORGANIZATION = "org_audit_test";

export interface TestKey {
  kid: string;
  privateKey: KeyObject;
  /** As `GET /.well-known/remediation-audit-keys` serves it. */
  jwks: { keys: Record<string, unknown>[] };
}

export function testKey(kid = "test-key-1"): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" });
  return { kid, privateKey, jwks: { keys: [{ ...jwk, kid, alg: "EdDSA", use: "sig" }] } };
}

const TYPES = ["REQUESTED", "APPROVED", "QUEUED", "EXECUTING", "COMPLETED"];

/** Event `seq` of a chain (content varies: null actionIds, nested data, non-ASCII text). */
export function testEventFields(seq: number, prevHash: string, organizationId = TEST_ORGANIZATION): ChainedEventFields {
  return {
    organizationId,
    seq,
    actionId:
      seq % 7 === 0
        ? null
        : `act_${Math.ceil(seq / 5)
            .toString()
            .padStart(8, "0")}`,
    type: TYPES[seq % TYPES.length]!,
    actor: seq % 3 === 0 ? "system" : `user_${seq % 11}`,
    data: {
      status: TYPES[(seq + 1) % TYPES.length],
      reason: seq % 5 === 0 ? "Freigabe erteilt — ✓" : "restart api after OOM",
      policy: { version: 3, rule: "prod-high", approvals: [seq % 2, 1.5] },
    },
    createdAt: new Date(Date.UTC(2026, 2, 1) + seq * 1000).toISOString(),
    prevHash,
  };
}

/** Events 1..count of one organization, each sealed onto the previous one. */
function* testEvents(count: number, organizationId = TEST_ORGANIZATION): Generator<ExportedEvent> {
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= count; seq++) {
    const fields = testEventFields(seq, prevHash, organizationId);
    const hash = eventHash(fields);
    yield { ...fields, hash };
    prevHash = hash;
  }
}

/** An event line in the export's field order. */
export function eventLine(event: ExportedEvent): string {
  const { seq, prevHash, hash, organizationId, actionId, type, actor, data, createdAt } = event;
  return JSON.stringify({ seq, prevHash, hash, organizationId, actionId, type, actor, data, createdAt });
}

export function signCheckpoint(body: Omit<CheckpointBody, "kid" | "issuedAt">, key: TestKey): Checkpoint {
  const full: CheckpointBody = { ...body, issuedAt: "2026-03-02T00:00:00.000Z", kid: key.kid };
  return { ...full, signature: sign(null, checkpointSigningInput(full), key.privateKey).toString("base64url") };
}

export interface TestExportOptions {
  /** Events in the organization's chain (the head). */
  count: number;
  key: TestKey;
  organizationId?: string;
  /** Seqs retention deleted: exported as `{ seq, hash, pruned: true }`. */
  pruned?: Iterable<number>;
  fromSeq?: number;
  toSeq?: number;
}

/** The lines of a valid export: events and stubs from `fromSeq`, then the signed checkpoint line. */
export function* testExportLines(options: TestExportOptions): Generator<string> {
  const { count, key, organizationId = TEST_ORGANIZATION, fromSeq, toSeq } = options;
  const pruned = new Set(options.pruned ?? []);
  const last = Math.min(toSeq ?? count, count);
  let head = { seq: 0, hash: GENESIS_HASH };
  for (const event of testEvents(last, organizationId)) {
    head = event;
    if (event.seq < (fromSeq ?? 1)) continue;
    yield pruned.has(event.seq) ? JSON.stringify({ seq: event.seq, hash: event.hash, pruned: true }) : eventLine(event);
  }
  const checkpoint = signCheckpoint({ organizationId, seq: head.seq, hash: head.hash }, key);
  yield JSON.stringify({ checkpoint, range: { fromSeq: fromSeq ?? null, toSeq: toSeq ?? null } });
}

/** A valid export's lines, in an array to tamper with. */
export function testExport(options: TestExportOptions): string[] {
  return [...testExportLines(options)];
}

/** The signed checkpoint of the chain's event `seq` (a checkpoint taken earlier). */
export function testCheckpointAt(seq: number, key: TestKey, organizationId = TEST_ORGANIZATION): Checkpoint {
  let hash = GENESIS_HASH;
  for (const event of testEvents(seq, organizationId)) hash = event.hash;
  return signCheckpoint({ organizationId, seq, hash }, key);
}
