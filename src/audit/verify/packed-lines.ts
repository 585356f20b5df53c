import type { CheckedEvent, CheckedLine } from "./check-line";

/**
 * Checked lines as a worker thread sends them (`parallel-check.ts`): typed arrays and one string
 * of hashes instead of an object per line, because copying thousands of small objects between
 * threads cost as much as a third of checking them. Lines of any other shape (checkpoint, blank,
 * unreadable, an event whose hashes are not 64 characters) travel whole in `other`.
 */
export interface PackedLines {
  /** Per line, a CODE. */
  codes: Uint8Array<ArrayBuffer>;
  /** Per line: the seq of an event or stub. */
  seqs: Float64Array<ArrayBuffer>;
  /** Per event, prevHash then hash; per stub, its hash; 64 characters each. */
  hashes: string;
  /** Per line: an event's organization, an index into `organizations`. */
  organizationIndexes: Uint32Array<ArrayBuffer>;
  organizations: string[];
  /** The lines coded OTHER, in order. */
  other: CheckedLine[];
}

const CONTENT = ["intact", "renumbered", "modified"] as const satisfies CheckedEvent["content"][];
const STUB = 3;
const OTHER = 4;
const HASH_LENGTH = 64;

export function packLines(lines: CheckedLine[]): PackedLines {
  const codes = new Uint8Array(lines.length);
  const seqs = new Float64Array(lines.length);
  const organizationIndexes = new Uint32Array(lines.length);
  const organizations: string[] = [];
  const hashes: string[] = [];
  const other: CheckedLine[] = [];
  lines.forEach((line, i) => {
    if (line.kind === "stub") {
      codes[i] = STUB;
      seqs[i] = line.seq;
      hashes.push(line.hash);
    } else if (
      line.kind === "event" &&
      line.event.prevHash.length === HASH_LENGTH &&
      line.event.hash.length === HASH_LENGTH
    ) {
      const { seq, prevHash, hash, organizationId, content } = line.event;
      codes[i] = CONTENT.indexOf(content);
      seqs[i] = seq;
      hashes.push(prevHash, hash);
      let index = organizations.lastIndexOf(organizationId);
      if (index === -1) index = organizations.push(organizationId) - 1;
      organizationIndexes[i] = index;
    } else {
      codes[i] = OTHER;
      other.push(line);
    }
  });
  return { codes, seqs, hashes: hashes.join(""), organizationIndexes, organizations, other };
}

/** The lines again, in order; `onLine` returns false to stop. False when stopped. */
export function forEachPackedLine(packed: PackedLines, onLine: (line: CheckedLine) => boolean): boolean {
  const { codes, seqs, hashes, organizationIndexes, organizations, other } = packed;
  let at = 0;
  let others = 0;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    let line: CheckedLine;
    if (code === OTHER) {
      line = other[others++]!;
    } else if (code === STUB) {
      line = { kind: "stub", seq: seqs[i]!, hash: hashes.slice(at, at + HASH_LENGTH) };
      at += HASH_LENGTH;
    } else {
      const event: CheckedEvent = {
        seq: seqs[i]!,
        prevHash: hashes.slice(at, at + HASH_LENGTH),
        hash: hashes.slice(at + HASH_LENGTH, at + 2 * HASH_LENGTH),
        organizationId: organizations[organizationIndexes[i]!]!,
        content: CONTENT[code]!,
      };
      at += 2 * HASH_LENGTH;
      line = { kind: "event", event };
    }
    if (!onLine(line)) return false;
  }
  return true;
}
