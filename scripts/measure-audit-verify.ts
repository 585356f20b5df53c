import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { testExportLines, testKey } from "@/audit/verify/test-chain";
import { verifyExportFile } from "@/audit/verify/verify-export";

// `npx tsx scripts/measure-audit-verify.ts` — writes exports of 100,000 and EVENTS (default
// 1,000,000) events (1 in 100 pruned, signed checkpoint) to a temporary folder and times the offline
// verifier on each in a fresh process: events/s by wall clock and by CPU time (the machine may be
// shared), and peak RSS, which must not grow with the file (docs/audit.md#verify).

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);

interface Measurement {
  code: number;
  message: string;
  wallMs: number;
  cpuMs: number;
  maxRssMb: number;
}

/** The child: one verification, measured from inside. */
async function measureChild(file: string, keysFile: string): Promise<void> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const verdict = await verifyExportFile({ file, keysFile });
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const result: Measurement = {
    ...verdict,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(result));
}

async function writeExport(file: string, count: number, key: ReturnType<typeof testKey>): Promise<void> {
  const out = createWriteStream(file);
  const pruned = Array.from({ length: Math.floor(count / 100) }, (_, i) => i * 100 + 50);
  for (const line of testExportLines({ count, key, pruned })) {
    if (!out.write(`${line}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return measureChild(process.argv[3]!, process.argv[4]!);
  const dir = mkdtempSync(path.join(tmpdir(), "audit-verify-"));
  try {
    const key = testKey();
    const keysFile = path.join(dir, "keys.json");
    writeFileSync(keysFile, JSON.stringify(key.jwks));
    for (const count of [100_000, EVENTS]) {
      const file = path.join(dir, `export-${count}.ndjson`);
      let t = performance.now();
      await writeExport(file, count, key);
      const mb = statSync(file).size / 1024 / 1024;
      console.log(
        `${count.toLocaleString("en-US")} events: ${mb.toFixed(0)} MB written in ${((performance.now() - t) / 1000).toFixed(1)} s`,
      );
      t = performance.now();
      const child = spawnSync(process.execPath, ["--import", "tsx", import.meta.filename, "--child", file, keysFile], {
        encoding: "utf8",
        maxBuffer: 1024 * 1024,
      });
      if (child.status !== 0) throw new Error(`verifier child failed: ${child.stderr}`);
      const m = JSON.parse(child.stdout) as Measurement;
      if (m.code !== 0) throw new Error(`verdict ${m.code}: ${m.message}`);
      const rate = (ms: number) => Math.round(count / (ms / 1000)).toLocaleString("en-US");
      console.log(`  ${m.message}`);
      console.log(
        `  verify: ${(m.wallMs / 1000).toFixed(2)} s wall (${rate(m.wallMs)} events/s), ` +
          `${(m.cpuMs / 1000).toFixed(2)} s CPU (${rate(m.cpuMs)} events/CPU-s), peak RSS ${m.maxRssMb.toFixed(0)} MB`,
      );
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
