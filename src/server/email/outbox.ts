import type { Db } from "@/server/db/client";
import { insertOutboxEmail } from "@/server/db/stores/email-outbox";
import type { EmailSender } from "./types";

/**
 * The embedded default (no Resend, no SMTP): emails are written to the email_outbox table, which
 * the settings screen shows, so a local install can see exactly what would have been sent.
 */
export function outboxSender(db: Db): EmailSender {
  return {
    kind: "outbox",
    async send(message, context) {
      await insertOutboxEmail(db, context?.organizationId ?? null, {
        reportRunId: context?.reportRunId ?? null,
        fromAddress: message.from,
        toAddress: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        attachments: message.attachments.map((a) => ({ ...a })),
      });
    },
    async close() {},
  };
}
