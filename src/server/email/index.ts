import type { Db } from "@/server/db/client";
import { env } from "@/server/env";
import { outboxSender } from "./outbox";
import { resendSender } from "./resend";
import { smtpSender } from "./smtp";
import type { EmailSender } from "./types";

export type { EmailMessage, EmailSender } from "./types";

/**
 * The adapter for this process's configuration (docs/behaviour.md#reporting): Resend when
 * RESEND_API_KEY is set, SMTP when SMTP_HOST is set, otherwise the local outbox table. Built per
 * report run so a changed configuration (tests, a restart) takes effect without caching a stale
 * transport.
 */
export function emailSender(db: Db): EmailSender {
  const config = env();
  if (config.RESEND_API_KEY) return resendSender({ apiKey: config.RESEND_API_KEY, baseUrl: config.RESEND_BASE_URL });
  if (config.SMTP_HOST) {
    return smtpSender({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE,
      user: config.SMTP_USER,
      pass: config.SMTP_PASS,
    });
  }
  return outboxSender(db);
}

export function reportFromAddress(): string {
  return env().REPORT_FROM_EMAIL;
}
