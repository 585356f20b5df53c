import nodemailer from "nodemailer";
import { EMAIL_TIMEOUT_MS, type EmailSender } from "./types";

export interface SmtpOptions {
  host: string;
  port?: number;
  secure: boolean;
  user?: string;
  pass?: string;
  timeoutMs?: number;
}

/** SMTP through nodemailer: one pooled connection per report run, closed when the run ends. */
export function smtpSender(options: SmtpOptions): EmailSender {
  const timeout = options.timeoutMs ?? EMAIL_TIMEOUT_MS;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port ?? (options.secure ? 465 : 587),
    secure: options.secure,
    pool: true,
    maxConnections: 1,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(options.user ? { auth: { user: options.user, pass: options.pass ?? "" } } : {}),
  });
  return {
    kind: "smtp",
    async send(message) {
      await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        attachments: message.attachments.map((a) => ({
          filename: a.filename,
          content: a.content,
          contentType: a.contentType,
        })),
      });
    },
    async close() {
      transport.close();
    },
  };
}
