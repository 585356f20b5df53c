import { z } from "zod";
import { ROLES } from "@/lib/permissions";

// Every environment variable the app reads, parsed and defaulted once (README "Configuration").
// This is the only module in src/ that touches process.env (tests and the test kit in src/test
// excepted; Biome's noProcessEnv enforces it). Everything else asks env(), or bootstrapEnv()
// while the bootstrap is still filling values in. Values resolved at run time (the embedded
// database's URL, the generated dev secret, a script's scratch database) are written back with
// setEnv(), which drops the cached parse. Entry points in scripts/ may set process.env before
// they load the app; bench/ and e2e/ are harnesses that read their own variables.
const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const commaList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));
const intFrom = (min: number, fallback: number) => z.coerce.number().int().min(min).default(fallback);
// OIDC_ROLE_MAP: `group:role,…`; the last colon splits, so group names may contain colons (URNs).
const roleMap = commaList.pipe(
  z.array(
    z.string().transform((entry, ctx) => {
      const at = entry.lastIndexOf(":");
      const group = entry.slice(0, at).trim();
      const role = ROLES.find((r) => r === entry.slice(at + 1).trim());
      if (at <= 0 || !group || !role) {
        ctx.addIssue({ code: "custom", message: `"${entry}" is not group:role with a role of ${ROLES.join(", ")}` });
        return z.NEVER;
      }
      return { group, role };
    }),
  ),
);
const logLevelSchema = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/**
 * AUTH_SECRET's one rule, wherever a secret is checked (configured, or the generated dev file):
 * at least this many characters (README "Configuration").
 */
export const AUTH_SECRET_MIN_LENGTH = 16;

// What the bootstrap reads before the rest of the configuration is settled (bootstrapEnv).
const bootstrapShape = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  AUTH_SECRET: optionalString.pipe(z.string().min(AUTH_SECRET_MIN_LENGTH).optional()),
  EMBEDDED_PG_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .refine((port) => port !== 5432, "must be a free port other than 5432")
    .default(54329),
};

const schema = z
  .object({
    ...bootstrapShape,
    PORT: z.coerce.number().int().min(1).max(65535).default(3003),
    // Idle keep-alive connections close after this; behind a load balancer, set it above the
    // balancer's own idle timeout (README "Failure behaviour").
    HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: intFrom(1, 65),
    DATABASE_POOL_SIZE: intFrom(1, 10),
    // Read by next-auth itself; the auth route sets AUTH_TRUST_HOST when NEXTAUTH_URL is unset.
    NEXTAUTH_URL: optionalString,
    AUTH_TRUST_HOST: z.string().optional(),
    REMEDIATION_BLOCKED_ENVIRONMENTS: commaList,
    REMEDIATION_DENIED_ACTION_TYPES: commaList,
    REMEDIATION_EXECUTOR: optionalString.pipe(z.enum(["webhook", "simulated"]).optional()),
    REMEDIATION_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
    REMEDIATION_WEBHOOK_SECRET: optionalString,
    REMEDIATION_EXECUTION_TIMEOUT_MS: intFrom(1, 30_000),
    REMEDIATION_EXECUTION_RETRIES: intFrom(0, 2),
    REMEDIATION_SIMULATED_DELAY_MS: intFrom(0, 1500),
    // Execution tuning beyond §2 (tests and the measuring script shorten them).
    // Backoff before retry n after a transient failure: base × 2^(n-1), capped.
    REMEDIATION_RETRY_BASE_DELAY_MS: intFrom(0, 1000),
    REMEDIATION_RETRY_MAX_DELAY_MS: intFrom(0, 60_000),
    // A worker proves it is alive on every running job this often (pg-boss minimum 10 s).
    REMEDIATION_EXECUTION_HEARTBEAT_SECONDS: intFrom(10, 30),
    // How often pg-boss looks for expired jobs (and refreshes queue stats).
    PGBOSS_SUPERVISE_INTERVAL_SECONDS: intFrom(1, 15),
    RESEND_API_KEY: optionalString,
    RESEND_BASE_URL: optionalString.pipe(z.url().optional()),
    SMTP_HOST: optionalString,
    SMTP_PORT: optionalString.pipe(z.coerce.number<string | undefined>().int().min(1).max(65535).optional()),
    SMTP_USER: optionalString,
    SMTP_PASS: optionalString,
    SMTP_SECURE: bool.default(false),
    REPORT_FROM_EMAIL: z.string().default("Remediation Reports <reports@localhost>"),
    // Where emails link to (approval reminders); unset: http://localhost:<PORT> (appUrl()).
    APP_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
    // Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints; unset outside production:
    // generated once into .data/ (docs/audit.md#keys).
    AUDIT_SIGNING_KEY: optionalString,
    RUN_WORKER: bool.default(true),
    DEMO_SEED: bool.optional(),
    LOG_LEVEL: logLevelSchema.default("info"),
    // SSO (docs/behaviour.md#sign-in): enabled when issuer, client id and secret are all set.
    OIDC_ISSUER: optionalString.pipe(z.url().optional()),
    OIDC_CLIENT_ID: optionalString,
    OIDC_CLIENT_SECRET: optionalString,
    OIDC_NAME: optionalString.transform((v) => v ?? "SSO"),
    OIDC_ORGANIZATION: optionalString,
    OIDC_ROLE_CLAIM: optionalString.transform((v) => v ?? "groups"),
    OIDC_ROLE_MAP: roleMap,
    // Bearer tokens without a `jti` (not registered as records) are refused (docs/behaviour.md#api-tokens).
    REQUIRE_REGISTERED_TOKENS: bool.default(false),
    // A static bearer token for Prometheus on GET /metrics (every organization; docs/behaviour.md#prometheus-metrics).
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, "must be at least 16 characters").optional()),
  })
  .transform((e) => ({
    ...e,
    REMEDIATION_EXECUTOR: e.REMEDIATION_EXECUTOR ?? (e.REMEDIATION_WEBHOOK_URL ? "webhook" : "simulated"),
  }));

export type Env = z.output<typeof schema>;
type EnvName = keyof z.input<typeof schema>;
type Source = Record<string, string | undefined>;

class EnvError extends Error {}

function parsed<T>(result: z.ZodSafeParseResult<T>): T {
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

function parseEnv(source: Source = process.env): Env {
  const config = parsed(schema.safeParse(source));
  if (config.NODE_ENV === "production" && !config.AUTH_SECRET) {
    throw new EnvError(
      `Invalid environment configuration:\n  AUTH_SECRET: required in production (at least ${AUTH_SECRET_MIN_LENGTH} characters)`,
    );
  }
  const oidc = [config.OIDC_ISSUER, config.OIDC_CLIENT_ID, config.OIDC_CLIENT_SECRET];
  if (oidc.some(Boolean) && !(oidc.every(Boolean) && config.OIDC_ORGANIZATION)) {
    throw new EnvError(
      "Invalid environment configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ORGANIZATION: SSO needs all four",
    );
  }
  return config;
}

let cached: Env | undefined;

/** The parsed environment, read once per process (again after setEnv). */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

const bootstrapSchema = z.object(bootstrapShape);

/**
 * What db/bootstrap.ts needs while it resolves DATABASE_URL and AUTH_SECRET: read afresh on every
 * call (the bootstrap fills those two in), and without env()'s production AUTH_SECRET
 * requirement, which only holds once the bootstrap has resolved the secret.
 */
export function bootstrapEnv(): z.output<typeof bootstrapSchema> {
  return parsed(bootstrapSchema.safeParse(process.env));
}

/**
 * Values resolved at run time go to process.env (child processes and libraries such as
 * next-auth read it themselves), and the next env() parses again to include them.
 */
export function setEnv(values: Partial<Record<EnvName, string>>): void {
  Object.assign(process.env, values);
  cached = undefined;
}

/**
 * The configuration these variables alone give, parsed and defaulted exactly as env() parses
 * process.env, which stays untouched and uncached: tests build the settings they pass as
 * arguments from it (executionSettings, emailSettings, globalPolicy take an Env).
 */
export function envFrom(variables: Partial<Record<EnvName, string>>): Env {
  return parseEnv(variables);
}

/** LOG_LEVEL alone, never throwing: the logger must work to report an invalid configuration. */
export function logLevel(): Env["LOG_LEVEL"] {
  return cached?.LOG_LEVEL ?? logLevelSchema.catch("info").parse(process.env.LOG_LEVEL ?? "info");
}

/** The app's public base URL for links in emails: APP_URL, else http://localhost:<PORT>; no trailing slash. */
export function appUrl(config: Env = env()): string {
  return (config.APP_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, "");
}
