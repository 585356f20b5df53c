import { spawnSync } from "node:child_process";
import { writeBuildStamp } from "./build-stamp";

/** `next build` in production mode, then the stamp that lets `npm start` skip rebuilding. */
export function buildApp(): void {
  const result = spawnSync("npx", ["next", "build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed");
  writeBuildStamp();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    buildApp();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
