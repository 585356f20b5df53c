import type { ChainedEventFields, Checkpoint } from "../chain";

/** An event line as exported: the chained fields and the hash they must re-hash to. */
export type ExportedEvent = ChainedEventFields & { hash: string };

/** One export line's kind and fields, or why it has none (docs/audit.md#verify). */
export type ExportLine =
  | { kind: "event"; event: ExportedEvent }
  | { kind: "stub"; seq: number; hash: string }
  | { kind: "checkpoint"; checkpoint: Checkpoint; fromSeq: number | null }
  | { kind: "blank" }
  | { kind: "unreadable"; problem: string; json: boolean };

const HEX64 = /^[0-9a-f]{64}$/;
const EVENT_KEYS = 9;

const isSeq = (value: unknown, min: number): value is number =>
  typeof value === "number" && Number.isSafeInteger(value) && value >= min;
const isHash = (value: unknown): value is string => typeof value === "string" && HEX64.test(value);

export function parseLine(text: string): ExportLine {
  if (text.length === 0) return { kind: "blank" };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "unreadable", problem: "not JSON", json: false };
  }
  if (!isRecord(value)) return unknownShape("not a JSON object");
  if ("checkpoint" in value) return checkpointExportLine(value);
  if ("pruned" in value) {
    const { seq, hash, pruned } = value;
    if (pruned !== true || !isSeq(seq, 1) || !isHash(hash) || Object.keys(value).length !== 3) {
      return unknownShape("a pruned stub is exactly { seq, hash, pruned: true }");
    }
    return { kind: "stub", seq, hash };
  }
  const { seq, prevHash, hash, organizationId, actionId, type, actor, createdAt } = value;
  // hash and prevHash need only be strings: a hash that is not hex cannot match, a modification.
  if (
    !isSeq(seq, 1) ||
    typeof prevHash !== "string" ||
    typeof hash !== "string" ||
    typeof organizationId !== "string" ||
    (actionId !== null && typeof actionId !== "string") ||
    typeof type !== "string" ||
    typeof actor !== "string" ||
    typeof createdAt !== "string" ||
    !("data" in value) ||
    Object.keys(value).length !== EVENT_KEYS
  ) {
    return unknownShape(
      "an event is exactly { seq, prevHash, hash, organizationId, actionId, type, actor, data, createdAt }",
    );
  }
  return { kind: "event", event: value as unknown as ExportedEvent };
}

function checkpointExportLine(value: Record<string, unknown>): ExportLine {
  const checkpoint = parseCheckpoint(value.checkpoint);
  const range = value.range ?? { fromSeq: null };
  const known = Object.keys(value).every((key) => key === "checkpoint" || key === "range");
  if (!checkpoint || !known || !isRecord(range)) {
    return unknownShape('the checkpoint line is { "checkpoint": { … }, "range": { fromSeq, toSeq } }');
  }
  const fromSeq = range.fromSeq ?? null;
  if (fromSeq !== null && !isSeq(fromSeq, 1)) return unknownShape("its range.fromSeq is not a seq");
  return { kind: "checkpoint", checkpoint, fromSeq };
}

/** A checkpoint object (extra fields are ignored: they are not signed). */
export function parseCheckpoint(value: unknown): Checkpoint | undefined {
  if (!isRecord(value)) return undefined;
  const { organizationId, seq, hash, issuedAt, kid, signature } = value;
  if (
    typeof organizationId !== "string" ||
    !isSeq(seq, 0) ||
    !isHash(hash) ||
    typeof issuedAt !== "string" ||
    typeof kid !== "string" ||
    typeof signature !== "string"
  ) {
    return undefined;
  }
  return { organizationId, seq, hash, issuedAt, kid, signature };
}

const unknownShape = (problem: string): ExportLine => ({
  kind: "unreadable",
  problem: `of unknown shape: ${problem}`,
  json: true,
});

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
