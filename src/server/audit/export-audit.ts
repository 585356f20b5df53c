import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { copyChainLines } from "@/server/db/stores/audit";
import { AppError } from "@/server/errors";
import { signedCheckpoint } from "./get-checkpoint";

/**
 * GET /remediation/audit/export (docs/audit.md#export): the chain's events and pruned stubs with
 * seq in [fromSeq, toSeq] as NDJSON, then one line with the checkpoint signed for the last seq
 * exported (toSeq, or the head when toSeq is absent or beyond it) and the range asked; a
 * fromSeq beyond the head is a 400 (there is nothing to export or verify). The
 * checkpoint is taken first; the lines are PostgreSQL's JSON text streamed by COPY as the client
 * drains, so memory stays flat whatever the size.
 */
export async function exportAudit(
  { db, scope }: { db: Db; scope: OrgScope },
  input: { fromSeq?: number | undefined; toSeq?: number | undefined },
): Promise<Readable> {
  const checkpoint = await signedCheckpoint(db, scope.organizationId, input.toSeq);
  if (input.fromSeq !== undefined && input.fromSeq > checkpoint.seq) {
    throw new AppError("BAD_REQUEST", `fromSeq ${input.fromSeq} is beyond the chain head (${checkpoint.seq})`, {
      issues: [{ path: "fromSeq", message: `must be at most the chain head (${checkpoint.seq})` }],
    });
  }
  const fromSeq = input.fromSeq ?? 1;
  const trailer = `${JSON.stringify({
    checkpoint,
    range: { fromSeq: input.fromSeq ?? null, toSeq: input.toSeq ?? null },
  })}\n`;
  const appendTrailer = new Transform({
    transform(chunk, _encoding, done) {
      done(null, chunk);
    },
    flush(done) {
      done(null, trailer);
    },
  });
  if (checkpoint.seq < fromSeq) {
    // Nothing sealed in the range (an empty organization): the checkpoint line alone.
    return Readable.from([Buffer.from(trailer)]);
  }
  const lines = await copyChainLines(db, scope.organizationId, { fromSeq, toSeq: checkpoint.seq });
  // pipeline destroys the COPY stream (its connection is discarded) if the client hangs up.
  pipeline(lines, appendTrailer).catch(() => {});
  return appendTrailer;
}
