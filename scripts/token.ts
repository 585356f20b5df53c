import { parseArgs } from "node:util";
import { PERMISSIONS } from "@/lib/permissions";
import { signToken } from "@/server/auth/bearer";
import { resolveAuthSecret } from "@/server/db/bootstrap";

// `npm run -s token -- --org ORG --sub USER --permissions a,b [--ttl SECONDS] [--email E] [--name N]`
// Prints only the token on stdout (so `TOKEN=$(npm run -s token -- …)` works); errors go to
// stderr with exit code 2 for bad arguments, 1 for anything else.

const USAGE = `Usage: npm run token -- --org ORG --sub USER --permissions ${PERMISSIONS.join(",")} [--ttl SECONDS] [--email EMAIL] [--name NAME]`;
const DEFAULT_TTL_SECONDS = 3600;

function usageError(message: string): never {
  process.stderr.write(`token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        org: { type: "string" },
        sub: { type: "string" },
        permissions: { type: "string" },
        ttl: { type: "string" },
        email: { type: "string" },
        name: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(): Promise<void> {
  const args = parse();
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const org = args.org?.trim();
  const sub = args.sub?.trim();
  if (!org) usageError("--org is required");
  if (!sub) usageError("--sub is required");
  if (args.permissions === undefined) usageError("--permissions is required");

  const permissions = [
    ...new Set(
      args.permissions
        .split(",")
        .map((p) => p.trim())
        .filter(Boolean),
    ),
  ];
  const known: readonly string[] = PERMISSIONS;
  const unknown = permissions.filter((p) => !known.includes(p));
  if (unknown.length > 0) usageError(`unknown permission(s): ${unknown.join(", ")}`);

  const ttlSeconds = args.ttl === undefined ? DEFAULT_TTL_SECONDS : Number(args.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    usageError(`--ttl must be a positive whole number of seconds, got "${args.ttl}"`);
  }

  // AUTH_SECRET when set, else (outside production) the dev secret the server also uses.
  const secret = resolveAuthSecret();
  const token = await signToken(
    { sub, organizationId: org, permissions, ttlSeconds, email: args.email, name: args.name },
    secret,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
