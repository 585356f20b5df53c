import { type Checkpoint, GENESIS_HASH } from "../chain";
import { type CheckedLine, checkLine } from "./check-line";
import { eventProblem } from "./event-problem";
import { type AuditKeys, signatureProblem } from "./keys";
import { abbreviated, count, EXIT, fail, short, type Verdict } from "./verdict";

export interface CheckOptions {
  /** Verify checkpoint signatures with these keys; without them signatures are not checked. */
  keys?: AuditKeys;
  /** A checkpoint taken earlier: the export must hold its seq with its hash. */
  supplied?: Checkpoint;
}

type ChainLine = Extract<CheckedLine, { kind: "event" | "stub" }>;

/**
 * The chain check of an export, fed one line at a time, holding only the previous line, the
 * first anomaly and one skipped range (bounded memory). The rules — the start, the links, and
 * how the first anomaly is classified — are docs/audit.md#verify.
 */
export class ChainChecker {
  private lineNumber = 0;
  private blankLine: number | undefined;
  private lines = 0;
  private pruned = 0;
  private firstSeq = 0;
  private lastSeq = 0;
  private lastHash = GENESIS_HASH;
  private organizationId: string | undefined;
  private checkpoint: Checkpoint | undefined;
  private fromSeq: number | null = null;
  /** Settled before the first line: the supplied checkpoint's own signature. */
  private readonly suppliedVerdict: Verdict | undefined;
  /** The first line is an event after seq 1: fine only if the range starts there (known at the end). */
  private startUnsettled = false;
  private startVerdict: Verdict | undefined;
  /** Seqs skipped by a jump: missing, unless one of them turns up later (then reordered). */
  private gap: { from: number; to: number } | undefined;
  private gapVerdict: Verdict | undefined;
  private found: Verdict | undefined;

  constructor(private readonly options: CheckOptions = {}) {
    const { supplied, keys } = options;
    const problem = supplied && keys ? signatureProblem(supplied, keys) : undefined;
    if (problem)
      this.suppliedVerdict = fail(EXIT.badSignature, `the supplied checkpoint (seq ${supplied?.seq}): ${problem}.`);
  }

  /** One line of the export, without its newline; false once nothing later can change the verdict. */
  push(text: string, terminated = true): boolean {
    return this.pushChecked(checkLine(text), terminated);
  }

  /** The same, for a line already checked on its own (`checkLine`, perhaps on another thread). */
  pushChecked(line: CheckedLine, terminated = true): boolean {
    this.lineNumber += 1;
    if (this.blankLine !== undefined) this.record(fail(EXIT.unreadable, `line ${this.blankLine} is empty.`));
    if (line.kind === "blank") {
      this.blankLine ??= this.lineNumber;
    } else if (line.kind === "unreadable") {
      this.record(
        !terminated && !line.json
          ? fail(EXIT.truncated, `line ${this.lineNumber} is cut off — the export ends mid-line.`)
          : fail(EXIT.unreadable, `line ${this.lineNumber} is ${line.problem}.`),
      );
    } else if (line.kind === "checkpoint") {
      if (this.checkpoint) this.record(fail(EXIT.unreadable, `line ${this.lineNumber} is a second checkpoint line.`));
      this.checkpoint ??= line.checkpoint;
      this.fromSeq = line.fromSeq;
    } else if (this.lookingAhead()) {
      this.lookAhead(line.kind === "event" ? line.event.seq : line.seq);
    } else {
      const problem = this.chainLineProblem(line);
      if (problem) this.record(problem);
    }
    return !this.settled();
  }

  /** The verdict, once every line was pushed (or `push` returned false). */
  finish(): Verdict {
    if (this.suppliedVerdict) return this.suppliedVerdict;
    if (this.startVerdict) return this.startVerdict;
    const start = this.startUnsettled && this.checkpoint ? this.startProblem() : undefined;
    if (start) return start;
    if (this.gapVerdict) return this.gapVerdict;
    if (this.gap) {
      const { from, to } = this.gap;
      const which = from === to ? `event seq ${from} is missing` : `events seq ${from}..${to} are missing`;
      return fail(EXIT.missing, `${which} (the export jumps from seq ${from - 1} to ${to + 1}).`);
    }
    return this.found ?? this.checkpointVerdict() ?? this.suppliedReachVerdict() ?? this.intact();
  }

  /** Checks an event or stub against the previous line; the anomaly, if any. */
  private chainLineProblem(line: ChainLine): Verdict | undefined {
    const { seq, hash } = line.kind === "event" ? line.event : line;
    if (this.checkpoint) return fail(EXIT.inserted, `event seq ${seq} follows the checkpoint line — it was appended.`);
    let expectedPrevHash: string | undefined;
    if (this.lines === 0) {
      this.firstSeq = seq;
      this.startUnsettled = seq > 1;
      // A start after seq 1 is the anchor: its prevHash links to nothing the export holds.
      expectedPrevHash = seq === 1 ? GENESIS_HASH : undefined;
    } else if (seq === this.lastSeq) {
      return fail(EXIT.inserted, `event seq ${seq} appears twice.`);
    } else if (seq < this.lastSeq) {
      return this.reordered(seq);
    } else if (seq > this.lastSeq + 1) {
      this.gap = { from: this.lastSeq + 1, to: seq - 1 };
      return undefined;
    } else {
      expectedPrevHash = this.lastHash;
    }
    if (line.kind === "event") {
      const problem = eventProblem(line.event, expectedPrevHash);
      if (problem) return problem;
      this.organizationId ??= line.event.organizationId;
    } else {
      this.pruned += 1;
    }
    const problem = this.suppliedProblem(seq, hash);
    if (problem) return problem;
    this.lines += 1;
    this.lastSeq = seq;
    this.lastHash = hash;
    return undefined;
  }

  private suppliedProblem(seq: number, hash: string): Verdict | undefined {
    const supplied = this.options.supplied;
    if (!supplied) return undefined;
    if (this.organizationId !== undefined && supplied.organizationId !== this.organizationId) {
      return fail(EXIT.truncated, otherOrganization("the supplied checkpoint", supplied, this.organizationId));
    }
    if (supplied.seq !== seq || supplied.hash === hash) return undefined;
    return fail(
      EXIT.truncated,
      `event seq ${seq} has hash ${short(hash)} but the supplied checkpoint says ${short(supplied.hash)} — ` +
        "the chain was rewritten up to there.",
    );
  }

  /** After the first anomaly only the seqs that settle a pending start or gap matter. */
  private lookAhead(seq: number): void {
    if (this.startUnsettled && !this.startVerdict && seq < this.firstSeq) {
      this.startVerdict = fail(EXIT.reordered, `event seq ${seq} appears after event ${this.firstSeq}.`);
    } else if (this.gap && seq >= this.gap.from && seq <= this.gap.to) {
      const { from, to } = this.gap;
      this.gapVerdict = fail(
        EXIT.reordered,
        `event seq ${from} is out of order — the export goes from seq ${from - 1} to ${to + 1} and seq ${seq} comes later.`,
      );
      this.gap = undefined;
    }
  }

  private reordered(seq: number): Verdict {
    const verdict = fail(EXIT.reordered, `event seq ${seq} appears after event ${this.lastSeq}.`);
    if (this.startUnsettled && seq < this.firstSeq) this.startVerdict = verdict;
    return verdict;
  }

  private startProblem(): Verdict | undefined {
    const from = this.fromSeq;
    if (from === this.firstSeq) return undefined;
    if (from !== null && from > this.firstSeq) {
      return fail(EXIT.inserted, `event seq ${this.firstSeq} comes before the export's range start ${from}.`);
    }
    const missing = from ?? 1;
    const which =
      missing === this.firstSeq - 1 ? `event seq ${missing} is` : `events seq ${missing}..${this.firstSeq - 1} are`;
    return fail(EXIT.missing, `${which} missing (the export starts at seq ${this.firstSeq}).`);
  }

  private checkpointVerdict(): Verdict | undefined {
    const checkpoint = this.checkpoint;
    if (!checkpoint) {
      if (this.lines === 0) return fail(EXIT.unreadable, "the file is empty.");
      return fail(EXIT.truncated, `the export ends after event seq ${this.lastSeq} without its checkpoint line.`);
    }
    const { keys } = this.options;
    const problem = keys ? signatureProblem(checkpoint, keys) : undefined;
    if (problem) return fail(EXIT.badSignature, `the export's checkpoint (seq ${checkpoint.seq}): ${problem}.`);
    const { seq, hash, organizationId } = checkpoint;
    if (this.organizationId !== undefined && organizationId !== this.organizationId) {
      return fail(EXIT.truncated, otherOrganization("its checkpoint", checkpoint, this.organizationId));
    }
    if (this.lines === 0) {
      if (seq === 0 && hash === GENESIS_HASH) return undefined;
      return fail(EXIT.truncated, `the export holds no events but its checkpoint is for seq ${seq}.`);
    }
    if (seq > this.lastSeq) {
      return fail(EXIT.truncated, `the export ends at seq ${this.lastSeq} but its checkpoint is for seq ${seq}.`);
    }
    if (seq < this.lastSeq) {
      const which =
        seq + 1 === this.lastSeq ? `event seq ${seq + 1} comes` : `events seq ${seq + 1}..${this.lastSeq} come`;
      return fail(EXIT.inserted, `${which} after the checkpoint's seq ${seq}: the signed chain is shorter.`);
    }
    if (hash === this.lastHash) return undefined;
    return fail(
      EXIT.truncated,
      `the checkpoint for seq ${seq} has hash ${short(hash)} but event ${seq} has ${short(this.lastHash)} — ` +
        "it is not the chain the checkpoint signed.",
    );
  }

  private suppliedReachVerdict(): Verdict | undefined {
    const supplied = this.options.supplied;
    const checkpoint = this.checkpoint;
    if (!supplied || !checkpoint) return undefined;
    if (supplied.organizationId !== checkpoint.organizationId) {
      return fail(EXIT.truncated, otherOrganization("the supplied checkpoint", supplied, checkpoint.organizationId));
    }
    if (supplied.seq === 0) {
      if (supplied.hash === GENESIS_HASH) return undefined;
      return fail(EXIT.truncated, "the supplied checkpoint for seq 0 does not carry the genesis hash.");
    }
    if (this.lines === 0 || supplied.seq > this.lastSeq) {
      return fail(
        EXIT.truncated,
        `the export ends at seq ${this.lastSeq}, before the supplied checkpoint's seq ${supplied.seq} — it was cut off.`,
      );
    }
    if (supplied.seq < this.firstSeq) {
      return fail(
        EXIT.truncated,
        `the export starts at seq ${this.firstSeq}, after the supplied checkpoint's seq ${supplied.seq}: ` +
          "the event it signs is not in the export.",
      );
    }
    return undefined;
  }

  private intact(): Verdict {
    const signed = ({ kid }: Checkpoint) =>
      this.options.keys
        ? `signed by kid ${abbreviated(kid)} verified`
        : `(kid ${abbreviated(kid)}) signature NOT checked — no --keys`;
    const events =
      this.lines === 0
        ? "empty chain (0 events)"
        : `${count(this.lines)} events (seq ${this.firstSeq}..${this.lastSeq}, ${count(this.pruned)} pruned) intact`;
    const { supplied } = this.options;
    const reaches = supplied ? `; matches the supplied checkpoint seq ${supplied.seq} ${signed(supplied)}` : "";
    return {
      code: EXIT.intact,
      message: `OK: ${events}; checkpoint seq ${this.checkpoint!.seq} ${signed(this.checkpoint!)}${reaches}.`,
    };
  }

  private record(verdict: Verdict): void {
    this.found ??= verdict;
  }

  private lookingAhead(): boolean {
    return this.found !== undefined || this.gap !== undefined || this.gapVerdict !== undefined;
  }

  /** Nothing later in the file can change the verdict. */
  private settled(): boolean {
    if (this.suppliedVerdict || this.startVerdict) return true;
    if (this.startUnsettled) return false;
    return this.gapVerdict !== undefined || (this.found !== undefined && this.gap === undefined);
  }
}

function otherOrganization(which: string, checkpoint: Checkpoint, exportOrganization: string): string {
  return `${which} is for organization ${checkpoint.organizationId}, the export's events for ${exportOrganization} — not this chain.`;
}
