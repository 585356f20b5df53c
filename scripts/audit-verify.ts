import path from "node:path";
import { parseArgs } from "node:util";
import { verifyExportFile } from "@/audit/verify/verify-export";

// `npm run -s audit:verify -- FILE [--keys JWKS_FILE] [--checkpoint CHECKPOINT_FILE]` verifies an
// audit export offline (docs/audit.md#verify). The verdict is one line: on stdout with exit 0 or
// 3..8, on stderr with exit 2 (the input could not be read, or bad arguments); 1 is a crash.

const USAGE = "Usage: npm run audit:verify -- FILE [--keys JWKS_FILE] [--checkpoint CHECKPOINT_FILE]";

function usageError(message: string): never {
  process.stderr.write(`audit:verify: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        keys: { type: "string" },
        checkpoint: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parse();
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length !== 1) usageError(positionals.length === 0 ? "FILE is required" : "one FILE only");
  // npm runs scripts from the package root; paths mean what they meant where npm was run.
  const here = process.env.INIT_CWD ?? process.cwd();
  const at = (file: string | undefined) => (file === undefined ? undefined : path.resolve(here, file));
  const verdict = await verifyExportFile({
    file: at(positionals[0])!,
    keysFile: at(values.keys),
    checkpointFile: at(values.checkpoint),
  });
  (verdict.code === 2 ? process.stderr : process.stdout).write(`${verdict.message}\n`);
  process.exitCode = verdict.code;
}

main().catch((error: unknown) => {
  process.stderr.write(`audit:verify: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
