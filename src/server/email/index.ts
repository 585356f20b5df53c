import type { Db } from "@/server/db/client";
import { type Env, env } from "@/server/env";
import { outboxSender } from "./outbox";
import { resendSender } from "./resend";
import { type SmtpOptions, smtpSender } from "./smtp";
import type { EmailSender } from "./types";

export type { EmailMessage, EmailSender } from "./types";

/**
 * How reports are sent (README "Configuration"): Resend when `resend` is set, else SMTP when
 * `smtp` is set, else the local outbox table; `from` is every report's From address.
 */
export interface EmailSettings {
  resend?: { apiKey: string; baseUrl?: string | undefined } | undefined;
  smtp?: SmtpOptions | undefined;
  from: string;
}

/** The environment's email settings: RESEND_API_KEY/RESEND_BASE_URL, SMTP_*, REPORT_FROM_EMAIL. */
export function emailSettings(config: Env = env()): EmailSettings {
  return {
    resend: config.RESEND_API_KEY ? { apiKey: config.RESEND_API_KEY, baseUrl: config.RESEND_BASE_URL } : undefined,
    smtp: config.SMTP_HOST
      ? {
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_SECURE,
          user: config.SMTP_USER,
          pass: config.SMTP_PASS,
        }
      : undefined,
    from: config.REPORT_FROM_EMAIL,
  };
}

/**
 * The adapter for the settings (docs/behaviour.md#reporting). Built per report run so a changed
 * configuration (a restart, a test's own settings) takes effect without caching a stale transport.
 */
export function emailSender(db: Db, settings: EmailSettings = emailSettings()): EmailSender {
  if (settings.resend) return resendSender(settings.resend);
  if (settings.smtp) return smtpSender(settings.smtp);
  return outboxSender(db);
}
