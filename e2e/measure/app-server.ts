import { type ChildProcess, spawn } from "node:child_process";

/**
 * The built app on a throwaway database (e2e/serve.ts) for the measurement scripts, on `port`;
 * resolves once /health answers. `stop()`: serve.ts forwards SIGTERM to the app and stops its
 * embedded PostgreSQL once the app is gone.
 */
export async function startMeasuredApp(port: number): Promise<{ base: string; stop: () => Promise<void> }> {
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ["--import", "tsx", "e2e/serve.ts"], {
    env: { ...process.env, E2E_PORT: String(port), LOG_LEVEL: "error" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (server.exitCode !== null) return resolve();
      server.once("exit", () => resolve());
      server.kill("SIGTERM");
    });
  try {
    await waitForHealth(server, base);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, stop };
}

async function waitForHealth(server: ChildProcess, base: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error("server exited");
    const ok = await fetch(`${base}/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("server did not become healthy");
}
