import { parentPort } from "node:worker_threads";
import { type CheckedLine, checkLine } from "./check-line";
import { forEachLine } from "./lines";
import { packLines } from "./packed-lines";

/**
 * A worker thread of `parallel-check.ts`: each message is a piece of the export of whole lines;
 * the answer is every line checked on its own, in order, packed.
 */

export interface CheckRequest {
  bytes: Uint8Array;
  terminated: boolean;
}

parentPort?.on("message", ({ bytes, terminated }: CheckRequest) => {
  const lines: CheckedLine[] = [];
  forEachLine({ bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), terminated }, (text) => {
    lines.push(checkLine(text));
    return true;
  });
  const packed = packLines(lines);
  parentPort?.postMessage(packed, [packed.codes.buffer, packed.seqs.buffer, packed.organizationIndexes.buffer]);
});
