import { z } from "zod";

// Every environment variable of the contract (§2), parsed and defaulted once.
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

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3003),
    DATABASE_URL: optionalString.pipe(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
    AUTH_SECRET: optionalString.pipe(z.string().min(16).optional()),
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
    RUN_WORKER: bool.default(true),
    DEMO_SEED: bool.optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .transform((e) => ({
    ...e,
    REMEDIATION_EXECUTOR: e.REMEDIATION_EXECUTOR ?? (e.REMEDIATION_WEBHOOK_URL ? "webhook" : "simulated"),
  }));

export type Env = z.output<typeof schema>;

export class EnvError extends Error {}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".") || "(environment)"}: ${i.message}`);
    throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  if (result.data.NODE_ENV === "production" && !result.data.AUTH_SECRET) {
    throw new EnvError(
      "Invalid environment configuration:\n  AUTH_SECRET: required in production (at least 16 characters)",
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The parsed environment, read once per process. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** Tests change process.env between cases; they call this to re-read it. */
export function resetEnvCache(): void {
  cached = undefined;
}
