import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { CheckRequest } from "./check-worker";
import type { LineChunk } from "./lines";
import type { PackedLines } from "./packed-lines";

/**
 * The lines of an export checked on their own on worker threads (docs/audit.md#verify), handed
 * back in file order with whether they ended in a newline; the chain checker then only follows
 * the links. At most two pieces per thread are in flight, so memory stays bounded by a few read
 * buffers whatever the file's size.
 */

/** Threads worth starting: one per core, at most four. */
export const checkThreads = () => Math.min(4, availableParallelism());

type Checked = { lines: PackedLines; terminated: boolean };

/** Worker threads that check pieces of exports; `stop` them when done. */
export class CheckPool {
  private readonly threads: CheckThread[];

  constructor(size: number) {
    this.threads = Array.from({ length: size }, () => new CheckThread());
  }

  /** The pieces' lines, checked, in the pieces' order. */
  async *checked(chunks: AsyncIterable<LineChunk>): AsyncGenerator<Checked> {
    const size = this.threads.length;
    const pending: Promise<Checked>[] = [];
    let turn = 0;
    try {
      for await (const { bytes, terminated } of chunks) {
        const thread = this.threads[turn++ % size]!;
        pending.push(thread.check(bytes, terminated).then((lines) => ({ lines, terminated })));
        if (pending.length >= size * 2) yield await pending.shift()!;
      }
      while (pending.length > 0) yield await pending.shift()!;
    } finally {
      // Stopped early (a settled verdict or an error): what is still in flight is not wanted, and a
      // thread answers in order, so a later call still gets its own answers.
      for (const abandoned of pending) abandoned.catch(() => {});
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.stop()));
  }
}

/** One worker thread; its answers come in the order of the pieces sent. */
class CheckThread {
  private readonly worker = new Worker(new URL("./check-worker.mjs", import.meta.url), {
    workerData: { entry: new URL("./check-worker.ts", import.meta.url).href },
  });
  private readonly waiting: { resolve: (lines: PackedLines) => void; reject: (error: Error) => void }[] = [];

  constructor() {
    this.worker.on("message", (lines: PackedLines) => this.waiting.shift()?.resolve(lines));
    this.worker.on("error", (error) => this.failAll(error));
    this.worker.on("exit", (code) => this.failAll(new Error(`a verifier thread exited with code ${code}`)));
  }

  check(bytes: Buffer, terminated: boolean): Promise<PackedLines> {
    // A copy the thread can own: the read buffer it came from is reused.
    const own = new Uint8Array(bytes);
    const request: CheckRequest = { bytes: own, terminated };
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(request, [own.buffer]);
    });
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners("exit");
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiting.splice(0)) waiter.reject(error);
  }
}
