/** One email with exactly one recipient: `to` holds exactly that one address (docs/behaviour.md#precise-details). */
export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments: EmailAttachment[];
}

export interface EmailAttachment {
  filename: string;
  /** UTF-8 text (the CSV); each adapter encodes it as its transport needs. */
  content: string;
  contentType: string;
}

/** Who the email is for in our own records (the outbox keeps it; Resend dedupes on the key). */
export interface EmailContext {
  organizationId?: string;
  reportRunId?: string;
  idempotencyKey?: string;
}

export type EmailAdapterKind = "resend" | "smtp" | "outbox";

/** Every adapter: `send` resolves once the provider accepted the email and throws otherwise. */
export interface EmailSender {
  readonly kind: EmailAdapterKind;
  send(message: EmailMessage, context?: EmailContext): Promise<void>;
  close(): Promise<void>;
}

/** Default per-email time budget, so a hung provider fails one delivery instead of the run. */
export const EMAIL_TIMEOUT_MS = 30_000;
