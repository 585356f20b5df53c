// Spawns src/test/execution-worker-entry.ts as a real separate worker process.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
  /** Process output, for the failure message when it misbehaves. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

const ENTRY = path.resolve(import.meta.dirname, "execution-worker-entry.ts");

/**
 * `node --import tsx <entry>` (what `npx tsx` runs, without the npm wrapper process, so a signal
 * reaches the worker itself). Resolves once the worker is listening for jobs.
 */
export async function spawnWorkerProcess(env: Record<string, string>, readyTimeoutMs = 30_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on("exit", (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker not ready in ${readyTimeoutMs} ms:\n${log}`)),
      readyTimeoutMs,
    );
    const onData = () => {
      if (log.includes("worker-ready")) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before it was ready:\n${log}`));
    });
  });
  return { child, exited, output: () => log, kill: (signal) => child.kill(signal) };
}
