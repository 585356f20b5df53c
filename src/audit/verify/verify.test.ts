import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Checkpoint, eventHash } from "../chain";
import { ChainChecker, type CheckOptions } from "./checker";
import { parseJwks } from "./keys";
import type { LineChunk } from "./lines";
import { CheckPool } from "./parallel-check";
import type { ExportedEvent } from "./parse-line";
import {
  eventLine,
  signCheckpoint,
  TEST_ORGANIZATION,
  testCheckpointAt,
  testEventFields,
  testExport,
  testKey,
} from "./test-chain";
import type { Verdict } from "./verdict";
import { checkChunks, verifyExportFile, verifyExportText } from "./verify-export";

const key = testKey();
const keys = parseJwks(JSON.stringify(key.jwks));
const otherKey = testKey("other-key");

/** A valid 30-event export (seq 1..30) and its checkpoint line last. */
const chain = (options: Partial<Parameters<typeof testExport>[0]> = {}) => testExport({ count: 30, key, ...options });
const text = (lines: string[]) => `${lines.join("\n")}\n`;
/** Every export `verify` checked, with its verdict: checked again on worker threads at the end. */
const verified: { text: string; options: CheckOptions; verdict: Verdict }[] = [];
const verify = (lines: string[], options: { supplied?: Checkpoint; withoutKeys?: boolean } = {}) => {
  const checked = {
    text: text(lines),
    options: { keys: options.withoutKeys ? undefined : keys, supplied: options.supplied },
  };
  const verdict = verifyExportText(checked.text, checked.options);
  verified.push({ ...checked, verdict });
  return verdict;
};

type Line = Record<string, unknown>;
const seqOf = (line: string) => (JSON.parse(line) as Line).seq;
/** The lines with the one of `seq` patched or changed (JSON key order kept). */
const edit = (lines: string[], seq: number, change: Line | ((line: Line) => void)) =>
  lines.map((line) => {
    const value = JSON.parse(line) as Line;
    if (value.seq !== seq) return line;
    if (typeof change === "function") change(value);
    else Object.assign(value, change);
    return JSON.stringify(value);
  });
const without = (lines: string[], ...seqs: number[]) => lines.filter((line) => !seqs.includes(seqOf(line) as number));
const lastLine = (lines: string[]) => JSON.parse(lines.at(-1)!) as { checkpoint: Checkpoint; range: Line };
const withCheckpoint = (lines: string[], change: (checkpoint: Checkpoint) => Checkpoint) => {
  const last = lastLine(lines);
  return [...lines.slice(0, -1), JSON.stringify({ ...last, checkpoint: change(last.checkpoint) })];
};
/** Re-seals `event` after its fields changed: a self-consistent forgery. */
const reseal = (event: Line) => {
  event.hash = eventHash(event as unknown as ExportedEvent);
};

function expectVerdict(verdict: Verdict, code: number, ...phrases: string[]) {
  expect(verdict.code, verdict.message).toBe(code);
  for (const phrase of phrases) expect(verdict.message).toContain(phrase);
}

describe("an intact export (exit 0)", () => {
  it("verifies every link and the checkpoint's signature", () => {
    expect(verify(chain())).toEqual({
      code: 0,
      message: "OK: 30 events (seq 1..30, 0 pruned) intact; checkpoint seq 30 signed by kid test-key-1 verified.",
    });
  });

  it("says the signature was not checked without keys", () => {
    expectVerdict(verify(chain(), { withoutKeys: true }), 0, "intact", "signature NOT checked — no --keys");
  });

  it("takes pruned stubs' hashes as they are, including seq 1 and the head", () => {
    expectVerdict(verify(chain({ pruned: [1, 7, 8, 30] })), 0, "30 events (seq 1..30, 4 pruned) intact");
  });

  it("a full export starting at a stub after seq 1 lost its oldest lines (retention keeps every stub)", () => {
    const lines = without(chain({ pruned: [10, 20] }), ...Array.from({ length: 9 }, (_, i) => i + 1));
    expect(verify(lines).code).toBe(4);
    expectVerdict(verify(chain({ fromSeq: 10, pruned: [10, 20] })), 0, "21 events (seq 10..30, 2 pruned) intact");
  });

  it("starts at range.fromSeq, and ends at range.toSeq with its checkpoint", () => {
    expectVerdict(verify(chain({ fromSeq: 12 })), 0, "19 events (seq 12..30, 0 pruned)");
    expectVerdict(verify(chain({ fromSeq: 5, toSeq: 20, pruned: [5] })), 0, "16 events (seq 5..20, 1 pruned)");
  });

  it("verifies an empty organization's export: the checkpoint line alone, seq 0", () => {
    const lines = testExport({ count: 0, key });
    expect(lines).toHaveLength(1);
    expectVerdict(verify(lines), 0, "OK: empty chain (0 events); checkpoint seq 0 signed by kid test-key-1 verified.");
  });

  it("accepts CRLF line ends, no final newline, one trailing empty line and a byte order mark", () => {
    const lines = chain();
    expectVerdict(verifyExportText(lines.join("\r\n"), { keys }), 0, "30 events");
    expectVerdict(verifyExportText(`${text(lines)}\n`, { keys }), 0, "30 events");
    expectVerdict(verifyExportText(`\uFEFF${text(lines)}`, { keys }), 0, "30 events");
  });

  it("reaches a checkpoint taken earlier (--checkpoint), including seq 0 and the head", () => {
    for (const seq of [0, 1, 17, 30]) {
      expectVerdict(verify(chain(), { supplied: testCheckpointAt(seq, key) }), 0, `supplied checkpoint seq ${seq}`);
    }
    const supplied = testCheckpointAt(20, key);
    expectVerdict(verify(chain({ pruned: [20] }), { supplied }), 0, "matches the supplied checkpoint seq 20");
  });
});

describe("a modified event (exit 3) names it", () => {
  it.each([
    ["data", { data: { status: "COMPLETED" } }],
    ["actor", { actor: "someone-else" }],
    ["type", { type: "REJECTED" }],
    ["createdAt", { createdAt: "2026-03-01T00:00:17.001Z" }],
    ["actionId", { actionId: null }],
    ["organizationId", { organizationId: "org_other" }],
    ["prevHash", { prevHash: "f".repeat(64) }],
  ])("its %s changed", (_field, change) => {
    expectVerdict(
      verify(edit(chain(), 17, change)),
      3,
      "FAIL (3 modified event): event seq 17 does not match its hash",
    );
  });

  it("its hash field changed (to another hash, or to something that is no hash)", () => {
    expectVerdict(verify(edit(chain(), 17, { hash: "0".repeat(64) })), 3, "event seq 17 does not");
    expectVerdict(verify(edit(chain(), 17, { hash: "not-a-hash" })), 3, "event seq 17 does not");
  });

  it("its data holding a value with no canonical JSON form (a lone surrogate)", () => {
    expectVerdict(verify(edit(chain(), 17, { data: { note: "\ud800" } })), 3, "event seq 17 does not match");
  });

  it("in a range export, after its start", () => {
    expectVerdict(verify(edit(chain({ fromSeq: 12 }), 15, { actor: "mallory" })), 3, "event seq 15 does not match");
  });

  it("changed and re-sealed (its own hash recomputed): the next event's prevHash no longer links", () => {
    const lines = edit(chain(), 17, (e) => {
      e.data = { status: "COMPLETED" };
      reseal(e);
    });
    expectVerdict(verify(lines), 3, "event seq 17 was changed", "prevHash of event 18");
  });

  it("the first event replaced by a self-consistent one that does not start from the genesis hash", () => {
    const lines = edit(chain(), 1, (e) => {
      e.prevHash = "a".repeat(64);
      reseal(e);
    });
    expectVerdict(verify(lines), 3, "event seq 1 does not start from the genesis hash");
  });

  it("a pruned stub's hash changed", () => {
    const lines = edit(chain({ pruned: [12] }), 12, { hash: "b".repeat(64) });
    expectVerdict(verify(lines), 3, "event seq 12 was changed");
  });
});

describe("a missing event (exit 4) names the first missing seq", () => {
  it("one event deleted", () => {
    expect(verify(without(chain(), 17))).toEqual({
      code: 4,
      message: "FAIL (4 missing event): event seq 17 is missing (the export jumps from seq 16 to 18).",
    });
  });

  it("two consecutive events deleted", () => {
    expectVerdict(verify(without(chain(), 17, 18)), 4, "events seq 17..18 are missing");
  });

  it("a pruned stub deleted", () => {
    expectVerdict(verify(without(chain({ pruned: [9] }), 9)), 4, "event seq 9 is missing");
  });

  it("the first events deleted (no range start, no stub)", () => {
    expectVerdict(verify(without(chain(), 1, 2, 3)), 4, "events seq 1..3 are missing (the export starts at seq 4)");
  });

  it("the first events deleted, and a later event modified: the start is the first anomaly", () => {
    const lines = edit(without(chain(), 1, 2), 20, { actor: "mallory" });
    expectVerdict(verify(lines), 4, "events seq 1..2 are missing");
  });

  it("the range's first event deleted", () => {
    expectVerdict(verify(without(chain({ fromSeq: 12 }), 12)), 4, "event seq 12 is missing");
  });

  it("a deletion is still the first anomaly when an unreadable line follows", () => {
    const lines = without(chain(), 5);
    lines.splice(20, 0, "not json");
    expectVerdict(verify(lines), 4, "event seq 5 is missing");
  });
});

describe("an inserted or duplicated event (exit 5)", () => {
  /** Events 1..16, a forged event 17 sealed onto 16, then the real 17..30 as `rest` maps them. */
  function withForgedEvent(rest: (line: Line) => Line) {
    const lines = chain();
    const sixteen = JSON.parse(lines[15]!) as ExportedEvent;
    const forged = testEventFields(17, sixteen.hash);
    forged.data = { status: "COMPLETED", reason: "forged" };
    const inserted = eventLine({ ...forged, hash: eventHash(forged) });
    const after = lines.slice(16, -1).map((line) => JSON.stringify(rest(JSON.parse(line) as Line)));
    return [...lines.slice(0, 16), inserted, ...after, lines.at(-1)!];
  }

  it("inserted with its hash computed, the events after it renumbered", () => {
    const lines = withForgedEvent((e) => ({ ...e, seq: (e.seq as number) + 1 }));
    expectVerdict(verify(lines), 5, "an event was inserted at seq 17");
  });

  it("inserted with its hash computed and the seq of the event it displaced", () => {
    expectVerdict(verify(withForgedEvent((e) => e)), 5, "event seq 17 appears twice");
  });

  it("inserted and every later event re-sealed: the chain is longer than its signed checkpoint", () => {
    const lines = chain();
    let prevHash = (JSON.parse(lines[15]!) as ExportedEvent).hash;
    const resealed = [testEventFields(17, prevHash), ...lines.slice(16, -1).map((line) => JSON.parse(line))].map(
      (event, i) => {
        const fields = { ...event, seq: 17 + i, prevHash };
        prevHash = eventHash(fields);
        return eventLine({ ...fields, hash: prevHash });
      },
    );
    const forged = [...lines.slice(0, 16), ...resealed, lines.at(-1)!];
    expectVerdict(verify(forged), 5, "event seq 31 comes after the checkpoint's seq 30");
  });

  it("an event before the range's start", () => {
    const lines = chain({ fromSeq: 12 });
    const last = lastLine(lines);
    const moved = [...lines.slice(0, -1), JSON.stringify({ ...last, range: { fromSeq: 14, toSeq: null } })];
    expectVerdict(verify(moved), 5, "event seq 12 comes before the export's range start 14");
  });

  it("a duplicated line", () => {
    const lines = chain();
    lines.splice(9, 0, lines[9]!);
    expect(verify(lines)).toEqual({
      code: 5,
      message: "FAIL (5 inserted or duplicated event): event seq 10 appears twice.",
    });
  });

  it("an event after the checkpoint line", () => {
    const lines = chain();
    expectVerdict(verify([...lines, lines[4]!]), 5, "event seq 5 follows the checkpoint line");
  });
});

describe("reordered events (exit 6)", () => {
  it("two lines swapped: names the first out-of-place seq", () => {
    const lines = chain();
    [lines[16], lines[17]] = [lines[17]!, lines[16]!];
    expectVerdict(verify(lines), 6, "FAIL (6 reordered events): event seq 17 is out of order");
  });

  it("a line moved further down", () => {
    const lines = chain();
    const [moved] = lines.splice(4, 1);
    lines.splice(25, 0, moved!);
    expectVerdict(verify(lines), 6, "event seq 5 is out of order");
  });

  it("the first two lines swapped", () => {
    const lines = chain();
    [lines[0], lines[1]] = [lines[1]!, lines[0]!];
    expectVerdict(verify(lines), 6, "event seq 1 appears after event 2");
  });

  it("a line moved up", () => {
    const lines = chain();
    const [moved] = lines.splice(20, 1);
    lines.splice(3, 0, moved!);
    expectVerdict(verify(lines), 6, "event seq 4 is out of order");
  });
});

describe("a truncated export (exit 7)", () => {
  it("cut after an event line: no checkpoint line", () => {
    expectVerdict(verify(chain().slice(0, 20)), 7, "ends after event seq 20 without its checkpoint line");
  });

  it("cut in the middle of a line", () => {
    const cut = text(chain()).slice(0, 5000);
    expectVerdict(verifyExportText(cut, { keys }), 7, "is cut off");
  });

  it("only the checkpoint line missing", () => {
    expectVerdict(verify(chain().slice(0, -1)), 7, "ends after event seq 30 without its checkpoint line");
  });

  it("the last events deleted, the checkpoint line kept", () => {
    expectVerdict(verify(without(chain(), 29, 30)), 7, "ends at seq 28 but its checkpoint is for seq 30");
  });

  it("ends before a supplied checkpoint (--checkpoint beyond the end)", () => {
    const supplied = testCheckpointAt(40, key);
    expectVerdict(verify(chain(), { supplied }), 7, "ends at seq 30, before the supplied checkpoint's seq 40");
  });

  it("the checkpoint's hash differs from the event at its seq (the last event re-sealed)", () => {
    const lines = edit(chain(), 30, (e) => {
      e.data = { status: "COMPLETED" };
      reseal(e);
    });
    expectVerdict(verify(lines), 7, "the checkpoint for seq 30 has hash");
  });

  it("a supplied checkpoint whose hash differs from the export's event at its seq", () => {
    const supplied = signCheckpoint({ organizationId: TEST_ORGANIZATION, seq: 12, hash: "c".repeat(64) }, key);
    expectVerdict(
      verify(chain(), { supplied }),
      7,
      "event seq 12 has hash",
      "the supplied checkpoint says cccccccccccc",
    );
  });

  it("a supplied checkpoint before the export's start, or of another organization", () => {
    expectVerdict(verify(chain({ fromSeq: 12 }), { supplied: testCheckpointAt(5, key) }), 7, "starts at seq 12");
    const foreign = testCheckpointAt(5, key, "org_other");
    expectVerdict(verify(chain(), { supplied: foreign }), 7, "organization org_other");
  });
});

describe("a bad signature (exit 8)", () => {
  it("the checkpoint's signature altered", () => {
    const lines = withCheckpoint(chain(), (c) => ({ ...c, signature: signCheckpoint(c, otherKey).signature }));
    expectVerdict(verify(lines), 8, "FAIL (8 bad signature): the export's checkpoint (seq 30)", "does not verify");
  });

  it("a kid the keys file does not list", () => {
    const lines = testExport({ count: 30, key: otherKey });
    expectVerdict(verify(lines), 8, "its kid other-key is not in the keys file");
  });

  it("the checkpoint's seq (or hash) tampered with", () => {
    const lines = without(chain(), 30);
    const tampered = withCheckpoint(lines, (c) => ({
      ...c,
      seq: 29,
      hash: (JSON.parse(lines[28]!) as Line).hash as string,
    }));
    expectVerdict(verify(tampered), 8, "does not verify");
    // Without keys nothing shows the tampering: the verdict says the signature was not checked.
    expectVerdict(verify(tampered, { withoutKeys: true }), 0, "signature NOT checked");
  });

  it("a signature that is no Ed25519 signature", () => {
    const lines = withCheckpoint(chain(), (c) => ({ ...c, signature: "not base64url!" }));
    expectVerdict(verify(lines), 8, "not a base64url Ed25519 signature");
  });

  it("a supplied checkpoint with a bad signature, or of an unknown kid", () => {
    const supplied = { ...testCheckpointAt(10, key), issuedAt: "2030-01-01T00:00:00.000Z" };
    expectVerdict(verify(chain(), { supplied }), 8, "the supplied checkpoint (seq 10)");
    expectVerdict(verify(chain(), { supplied: testCheckpointAt(10, otherKey) }), 8, "kid other-key");
  });
});

describe("unreadable input (exit 2)", () => {
  it("an empty file", () => {
    expectVerdict(verifyExportText("", { keys }), 2, "ERROR (2 unreadable input): the file is empty.");
    expectVerdict(verifyExportText("\n", { keys }), 2, "the file is empty.");
  });

  it("a line that is not JSON, or empty, in the middle", () => {
    const lines = chain();
    expectVerdict(verify(lines.toSpliced(4, 1, "{not json")), 2, "line 5 is not JSON");
    expectVerdict(verify(lines.toSpliced(4, 0, "")), 2, "line 5 is empty");
  });

  it.each([
    ["an event with an extra field", { note: "x" }],
    [
      "an event without data",
      (e: Line) => {
        delete e.data;
      },
    ],
    ["an event whose seq is a string", { seq: "5" }],
    ["a stub with content", { pruned: true }],
  ])("a line of unknown shape: %s", (_name, change) => {
    expectVerdict(verify(edit(chain(), 5, change)), 2, "line 5 is of unknown shape");
  });

  it("a line of unknown shape: an array, a checkpoint without a signature, two checkpoint lines", () => {
    const lines = chain();
    expectVerdict(verify(lines.toSpliced(2, 0, "[1,2]")), 2, "line 3 is of unknown shape");
    const unsigned = withCheckpoint(lines, (c) => ({ ...c, signature: undefined }) as unknown as Checkpoint);
    expectVerdict(verify(unsigned), 2, "line 31 is of unknown shape");
    expectVerdict(verify([...lines, lines.at(-1)!]), 2, "line 32 is a second checkpoint line");
  });
});

describe("files", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "audit-verify-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  };
  const keysFile = write("keys.json", JSON.stringify(key.jwks));
  const intact = write("intact.ndjson", text(chain({ pruned: [3] })));
  const modified = write("modified.ndjson", text(edit(chain(), 17, { actor: "mallory" })));

  it("streams a file, with keys and a checkpoint file (bare, or an export's last line)", async () => {
    const checkpointFile = write("checkpoint.json", JSON.stringify(testCheckpointAt(20, key)));
    const lastLineFile = write("last-line.json", chain().at(-1)!);
    expectVerdict(await verifyExportFile({ file: intact, keysFile, checkpointFile }), 0, "supplied checkpoint seq 20");
    expectVerdict(await verifyExportFile({ file: intact, checkpointFile: lastLineFile }), 0, "seq 30");
    expectVerdict(await verifyExportFile({ file: modified, keysFile }), 3, "event seq 17");
  });

  it("a missing file, a keys file that is no JWKS, a checkpoint file that is no checkpoint (exit 2)", async () => {
    const missing = path.join(dir, "missing.ndjson");
    expectVerdict(await verifyExportFile({ file: missing }), 2, "missing.ndjson: no such file.");
    const notJwks = write("not-jwks.json", JSON.stringify({ kid: "x" }));
    expectVerdict(await verifyExportFile({ file: intact, keysFile: notJwks }), 2, 'no "keys" array');
    const notCheckpoint = write("not-checkpoint.json", JSON.stringify({ seq: 3 }));
    expectVerdict(await verifyExportFile({ file: intact, checkpointFile: notCheckpoint }), 2, "is not a checkpoint");
  });

  it("refuses a line longer than 16 MiB instead of holding it (exit 2), on one thread or several", async () => {
    const huge = write("huge.ndjson", "x".repeat(17 * 1024 * 1024));
    expectVerdict(await verifyExportFile({ file: huge }), 2, "a line is longer than 16 MiB");
    expectVerdict(await verifyExportFile({ file: huge, threads: 2 }), 2, "a line is longer than 16 MiB");
  });

  it("the CLI: one line, exit 0 / 3 on stdout, 2 on stderr", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/audit-verify.ts", ...args], { encoding: "utf8" });
    const ok = run(intact, "--keys", keysFile);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(
      "OK: 30 events (seq 1..30, 1 pruned) intact; checkpoint seq 30 signed by kid test-key-1 verified.\n",
    );
    const bad = run(modified, "--keys", keysFile);
    expect(bad.status).toBe(3);
    expect(bad.stdout).toBe(
      "FAIL (3 modified event): event seq 17 does not match its hash — its content was changed.\n",
    );
    const missing = run(path.join(dir, "missing.ndjson"));
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toContain("ERROR (2 unreadable input):");
    const usage = run();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("Usage: npm run audit:verify -- FILE");
  });
});

/** The export in pieces of `per` whole lines (the last one perhaps without its newline), as a file is read. */
async function* piecesOf(text: string, per: number): AsyncGenerator<LineChunk> {
  const bytes = Buffer.from(text, "utf8");
  let start = 0;
  let lines = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a || ++lines % per !== 0) continue;
    yield { bytes: bytes.subarray(start, i + 1), terminated: true };
    start = i + 1;
  }
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end > start) yield { bytes: bytes.subarray(start, end), terminated: true };
  if (end < bytes.length) yield { bytes: bytes.subarray(Math.max(start, end)), terminated: false };
}

describe("on worker threads (large files)", () => {
  it("gives every export above the same verdict, its lines checked in pieces of three on two threads", async () => {
    expect(verified.length).toBeGreaterThan(40);
    const pool = new CheckPool(2);
    try {
      for (const { text, options, verdict } of verified) {
        const checker = new ChainChecker(options);
        await checkChunks(checker, piecesOf(text.replace(/^\uFEFF/, ""), 3), pool);
        expect(checker.finish(), text.slice(0, 300)).toEqual(verdict);
      }
    } finally {
      await pool.stop();
    }
  });

  it("a file checked on threads: the verdict of one thread", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "audit-verify-threads-"));
    try {
      const file = path.join(dir, "export.ndjson");
      writeFileSync(file, text(edit(chain({ pruned: [4] }), 23, { type: "DELETED" })));
      const one = await verifyExportFile({ file, threads: 1 });
      expectVerdict(one, 3, "event seq 23 does not match its hash");
      expect(await verifyExportFile({ file, threads: 2 })).toEqual(one);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
