import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Files of the checkout itself: its root and the development secrets kept under .data/. */

const REPO_PACKAGE_NAME = "remediation-control-center";

/** Walks up from `start` to the directory whose package.json is this project's. */
export function findRepoRoot(start = process.cwd()): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if (JSON.parse(readFileSync(manifest, "utf8")).name === REPO_PACKAGE_NAME) return dir;
      } catch {
        // unreadable package.json: keep walking up
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`no ${REPO_PACKAGE_NAME} package.json above ${start}`);
  }
}

/**
 * `dataDir/name`, created with `content()` if it does not exist yet (0600), and its path. Written
 * aside then hard-linked: link() never overwrites, so concurrent first starts agree on one file
 * and no reader sees a half-written one. For development secrets and keys kept under .data/.
 */
export function createDataFileOnce(dataDir: string, name: string, content: () => string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return file;
  mkdirSync(dataDir, { recursive: true });
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, content(), { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(draft);
  }
  return file;
}
