import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// `npm start` rebuilds only when the sources changed since the last build: a stamp of every
// input file's path, size and mtime, kept beside Next's BUILD_ID.
const INPUTS = ["src", "public", "next.config.mjs", "package-lock.json", "postcss.config.mjs", "tailwind.config.ts"];
const STAMP = join(".next", "rcc-build-stamp");

function walk(path: string, out: string[]): void {
  if (!existsSync(path)) return;
  const stat = statSync(path);
  if (stat.isDirectory()) {
    if (path.endsWith("generated")) return;
    for (const entry of readdirSync(path).sort()) walk(join(path, entry), out);
  } else if (!/\.test\.tsx?$/.test(path)) {
    out.push(`${path}:${stat.size}:${stat.mtimeMs}`);
  }
}

function sourceStamp(): string {
  const files: string[] = [];
  for (const input of INPUTS) walk(input, files);
  return createHash("sha256").update(files.join("\n")).digest("hex");
}

export function buildIsCurrent(): boolean {
  if (!existsSync(join(".next", "BUILD_ID")) || !existsSync(STAMP)) return false;
  return readFileSync(STAMP, "utf8") === sourceStamp();
}

export function writeBuildStamp(): void {
  writeFileSync(STAMP, sourceStamp());
}
