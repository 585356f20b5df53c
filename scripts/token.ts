import { parseArgs } from "node:util";
import { PERMISSIONS } from "@/lib/permissions";
import { signToken } from "@/server/auth/bearer";
import { issueApiToken } from "@/server/auth/create-api-token";
import { resolveAuthSecret, resolveDatabase } from "@/server/db/bootstrap";
import { db, disconnectDb } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { ensureOrganization } from "@/server/db/stores/organizations";

// `npm run -s token -- --org ORG --sub USER --permissions a,b [--ttl SECONDS] [--email E] [--name N]
//   [--register [--label LABEL]]`
// Prints only the token on stdout (so `TOKEN=$(npm run -s token -- …)` works); errors go to
// stderr with exit code 2 for bad arguments, 1 for anything else. `--register` stores it as an
// API token record (docs/behaviour.md#api-tokens) in the database the app uses (DATABASE_URL,
// else the embedded one): it then carries a `jti`, is listed in Settings and can be revoked.

const USAGE = `Usage: npm run token -- --org ORG --sub USER --permissions ${PERMISSIONS.join(",")} [--ttl SECONDS] [--email EMAIL] [--name NAME] [--register [--label LABEL]]`;
/** A registered token's lifetime is capped like the API's (one year). */
const MAX_REGISTERED_TTL_SECONDS = 31_536_000;
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
        register: { type: "boolean" },
        label: { type: "string" },
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

  if (args.label !== undefined && !args.register) usageError("--label needs --register");
  // AUTH_SECRET when set, else (outside production) the dev secret the server also uses.
  const secret = resolveAuthSecret();
  if (args.register) {
    if (ttlSeconds > MAX_REGISTERED_TTL_SECONDS)
      usageError(`--ttl must be at most ${MAX_REGISTERED_TTL_SECONDS} with --register`);
    const label = args.label?.trim() || `npm run token (${sub})`;
    process.stdout.write(
      `${await register(org, { sub, permissions, ttlSeconds, label, email: args.email, name: args.name })}\n`,
    );
    return;
  }
  const token = await signToken(
    { sub, organizationId: org, permissions, ttlSeconds, email: args.email, name: args.name },
    secret,
  );
  process.stdout.write(`${token}\n`);
}

/** Stores the record (with its TOKEN_CREATED event) and returns the token it signed. */
async function register(
  organizationId: string,
  options: { sub: string; permissions: string[]; ttlSeconds: number; label: string; email?: string; name?: string },
): Promise<string> {
  const database = await resolveDatabase();
  try {
    await migrateDatabase(database.url);
    await ensureOrganization(db(), organizationId, organizationId);
    const created = await issueApiToken(db(), organizationId, {
      name: options.label,
      permissions: options.permissions,
      ttlSeconds: options.ttlSeconds,
      createdBy: options.sub,
      ...(options.email && { email: options.email }),
      ...(options.name && { userName: options.name }),
      eventData: { via: "cli" },
    });
    process.stderr.write(`token: registered as ${created.id} ("${created.name}")\n`);
    return created.token;
  } finally {
    await disconnectDb();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
