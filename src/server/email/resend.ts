import { Resend } from "resend";
import { EMAIL_TIMEOUT_MS, type EmailSender } from "./types";

/**
 * Resend through its official SDK. The SDK never throws for API or network failures: it returns
 * `{ error }`, which is turned into a thrown Error here so every adapter fails the same way.
 * `baseUrl` undefined → the SDK's own default (RESEND_BASE_URL from the environment, else Resend's).
 */
export function resendSender(options: { apiKey: string; baseUrl?: string; timeoutMs?: number }): EmailSender {
  const client = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  return {
    kind: "resend",
    async send(message, context) {
      const { error } = await client.emails.send(
        {
          from: message.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          attachments: message.attachments.map((a) => ({
            filename: a.filename,
            content: Buffer.from(a.content, "utf8"),
            contentType: a.contentType,
          })),
        },
        {
          signal: AbortSignal.timeout(options.timeoutMs ?? EMAIL_TIMEOUT_MS),
          ...(context?.idempotencyKey ? { idempotencyKey: context.idempotencyKey } : {}),
        },
      );
      if (error) {
        const status = error.statusCode ? ` (${error.statusCode})` : "";
        throw new Error(`Resend refused the email${status}: ${error.message}`);
      }
    },
    async close() {},
  };
}
