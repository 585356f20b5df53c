// `npm run check` step: every `docs/<page>.md#<anchor>` a comment (or doc) points at must exist,
// every source file a Markdown page names must exist, and nothing cites the external contract
// by section. Anchors are explicit `<a id="…">` tags or
// GitHub-style heading slugs.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const SCANNED = [
  "src",
  "e2e",
  "scripts",
  "bench",
  "prisma",
  "docs",
  "README.md",
  "next.config.mjs",
  "playwright.config.ts",
  "vitest.config.ts",
  ".ci",
];
// The external contract by section number or file name ("\u00a7" is the section sign).
const CONTRACT_CITATION = /contract \u00a7|CONTRACT\.md/;
const SKIP = new Set(["node_modules", "generated", ".next", "results"]);

function files(entry: string): string[] {
  const full = path.join(root, entry);
  if (statSync(full).isFile()) return [entry];
  return readdirSync(full).flatMap((name) => (SKIP.has(name) ? [] : files(path.join(entry, name))));
}

const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replace(/ /g, "-");

const anchorsCache = new Map<string, Set<string> | null>();
function anchorsOf(page: string): Set<string> | null {
  if (!anchorsCache.has(page)) {
    let text: string;
    try {
      text = readFileSync(path.join(root, page), "utf8");
    } catch {
      anchorsCache.set(page, null);
      return null;
    }
    const anchors = new Set<string>();
    for (const m of text.matchAll(/<a id="([^"]+)"/g)) anchors.add(m[1]!);
    for (const m of text.matchAll(/^#{1,6} (.+)$/gm)) anchors.add(slug(m[1]!));
    anchorsCache.set(page, anchors);
  }
  return anchorsCache.get(page)!;
}

const problems: string[] = [];
for (const file of SCANNED.flatMap(files)) {
  if (!/(\.(ts|tsx|mjs|cjs|md|prisma|sql)|^\.ci\/run)$/.test(file)) continue;
  const text = readFileSync(path.join(root, file), "utf8");
  text.split("\n").forEach((line, i) => {
    const where = `${file}:${i + 1}`;
    if (CONTRACT_CITATION.test(line) && !file.startsWith("docs/")) problems.push(`${where}: cites the contract`);
    // A file the documentation names must exist (a page that names a moved file misleads).
    if (file.endsWith(".md")) {
      for (const m of line.matchAll(/\b((?:src|scripts|bench|e2e|prisma)\/[\w\-./[\]]+\.(?:tsx?|sql|prisma))\b/g)) {
        if (!existsSync(path.join(root, m[1]!))) problems.push(`${where}: ${m[1]} does not exist`);
      }
    }
    // A relative Markdown link (`[ADR 0009](adr/0009-….md)`) must reach a file.
    if (file.endsWith(".md")) {
      for (const m of line.matchAll(/\]\(((?!https?:|#|mailto:)[^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (!existsSync(path.join(root, path.dirname(file), m[1]!)))
          problems.push(`${where}: link ${m[1]} does not exist`);
      }
    }
    for (const m of line.matchAll(/docs\/([\w\-/]+\.md)(?:#([\w-]+))?/g)) {
      const page = `docs/${m[1]}`;
      const anchors = anchorsOf(page);
      if (!anchors) problems.push(`${where}: ${page} does not exist`);
      else if (m[2] && !anchors.has(m[2])) problems.push(`${where}: ${page}#${m[2]} is not an anchor`);
    }
  });
}

if (problems.length > 0) {
  console.error(`${problems.length} broken documentation reference(s):\n${problems.join("\n")}`);
  process.exit(1);
}
console.log("docs links: ok");
