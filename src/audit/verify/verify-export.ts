import { readFile, stat } from "node:fs/promises";
import type { Checkpoint } from "../chain";
import { ChainChecker, type CheckOptions } from "./checker";
import { type AuditKeys, parseJwks } from "./keys";
import { forEachLine, forEachLineOf, type LineChunk, LineTooLongError, lineChunks } from "./lines";
import { forEachPackedLine } from "./packed-lines";
import { CheckPool, checkThreads } from "./parallel-check";
import { isRecord, parseCheckpoint } from "./parse-line";
import { EXIT, fail, type Verdict } from "./verdict";

export interface VerifyFiles {
  /** The NDJSON export. */
  file: string;
  /** A JWKS file: with it, checkpoint signatures are verified. */
  keysFile?: string;
  /** A checkpoint JSON file taken earlier. */
  checkpointFile?: string;
  /** Threads to check lines on; by default one per core for a large file, else this thread only. */
  threads?: number;
}

/** Verifies an export file offline (docs/audit.md#verify): no database, no network. */
export async function verifyExportFile(files: VerifyFiles): Promise<Verdict> {
  let checker: ChainChecker;
  try {
    const keys = files.keysFile === undefined ? undefined : await loadKeys(files.keysFile);
    const supplied = files.checkpointFile === undefined ? undefined : await loadCheckpoint(files.checkpointFile);
    checker = new ChainChecker({ keys, supplied });
    const threads = files.threads ?? (await threadsFor(files.file));
    const pool = threads > 1 ? new CheckPool(threads) : undefined;
    try {
      await checkChunks(checker, lineChunks(files.file), pool);
    } finally {
      await pool?.stop();
    }
  } catch (error) {
    if (error instanceof UnreadableInput) return fail(EXIT.unreadable, error.message);
    if (error instanceof LineTooLongError || isFileError(error)) {
      return fail(EXIT.unreadable, `${files.file}: ${readProblem(error)}`);
    }
    throw error;
  }
  return checker.finish();
}

/** Feeds the pieces of an export to the checker, their lines checked by the pool's threads if one is given. */
export async function checkChunks(
  checker: ChainChecker,
  chunks: AsyncIterable<LineChunk>,
  pool?: CheckPool,
): Promise<void> {
  if (pool) {
    for await (const { lines, terminated } of pool.checked(chunks)) {
      if (!forEachPackedLine(lines, (line) => checker.pushChecked(line, terminated))) return;
    }
  } else {
    for await (const chunk of chunks) {
      if (!forEachLine(chunk, (text, terminated) => checker.push(text, terminated))) return;
    }
  }
}

/** The same check over an export held in a string (tests, small inputs). */
export function verifyExportText(text: string, options: CheckOptions = {}): Verdict {
  const checker = new ChainChecker(options);
  forEachLineOf(text, (line, terminated) => checker.push(line, terminated));
  return checker.finish();
}

/**
 * Below PARALLEL_FROM_BYTES (~160,000 events) an export is checked on this thread: starting the
 * workers (each loads the TypeScript hooks, ~0.25 s) costs more than they save.
 */
const PARALLEL_FROM_BYTES = 64 * 1024 * 1024;

async function threadsFor(file: string): Promise<number> {
  const { size } = await stat(file);
  return size >= PARALLEL_FROM_BYTES ? checkThreads() : 1;
}

class UnreadableInput extends Error {}

async function loadKeys(path: string): Promise<AuditKeys> {
  try {
    return parseJwks(await readFile(path, "utf8"));
  } catch (error) {
    throw new UnreadableInput(`keys file ${path}: ${readProblem(error)}`);
  }
}

/** A checkpoint as the API returns it, or an export's last line `{ "checkpoint": … }`. */
async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UnreadableInput(`checkpoint file ${path}: ${readProblem(error)}`);
  }
  const checkpoint = parseCheckpoint(isRecord(value) && "checkpoint" in value ? value.checkpoint : value);
  if (checkpoint) return checkpoint;
  throw new UnreadableInput(
    `checkpoint file ${path} is not a checkpoint { organizationId, seq, hash, issuedAt, kid, signature }.`,
  );
}

/** An error of a file system call (not of a module or a thread). */
const isFileError = (error: unknown): error is NodeJS.ErrnoException =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).syscall === "string";

const FILE_ERRORS: Record<string, string> = {
  ENOENT: "no such file.",
  EISDIR: "is a directory.",
  EACCES: "permission denied.",
};

function readProblem(error: unknown): string {
  if (error instanceof SyntaxError) return "not JSON.";
  if (isFileError(error) && error.code && FILE_ERRORS[error.code]) return FILE_ERRORS[error.code]!;
  return error instanceof Error ? `${error.message.replace(/\.$/, "")}.` : `${String(error)}.`;
}
