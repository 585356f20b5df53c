import { Prisma } from "@/generated/prisma/client";
import { type Queryable, queryRows } from "../client";
import { newIdSql } from "../ids";

/**
 * The email_outbox store: emails recorded locally by the embedded email adapter instead of being
 * sent (docs/data-model.md#email_outbox, docs/behaviour.md#reporting).
 */

export interface OutboxEmailRecord {
  id: string;
  reportRunId: string | null;
  fromAddress: string;
  toAddress: string;
  subject: string;
  html: string;
  text: string;
  /** jsonb as stored: `{ filename, content, contentType }[]` when written by this store. */
  attachments: unknown;
  createdAt: Date;
}

/** What a caller writes: the record's own fields, with the attachments typed as this store writes them. */
export interface NewOutboxEmail extends Omit<OutboxEmailRecord, "id" | "createdAt" | "attachments"> {
  attachments: { filename: string; content: string; contentType: string }[];
}

/** Records one email; `organizationId` is null for an email sent on no organization's behalf. */
export async function insertOutboxEmail(
  q: Queryable,
  organizationId: string | null,
  email: NewOutboxEmail,
): Promise<void> {
  await queryRows(
    q,
    Prisma.sql`
    INSERT INTO email_outbox (id, "organizationId", "reportRunId", "fromAddress", "toAddress", subject, html, text, attachments)
    VALUES (${newIdSql()}, ${organizationId}::text, ${email.reportRunId}::uuid, ${email.fromAddress}, ${email.toAddress},
            ${email.subject}, ${email.html}, ${email.text}, ${JSON.stringify(email.attachments)}::jsonb)`,
  );
}

/** The organization's recorded emails, newest first (the (organizationId, createdAt) index). */
export async function listOutboxEmails(
  q: Queryable,
  organizationId: string,
  limit: number,
): Promise<OutboxEmailRecord[]> {
  return queryRows<OutboxEmailRecord>(
    q,
    Prisma.sql`
    SELECT id, "reportRunId", "fromAddress", "toAddress", subject, html, text, attachments, "createdAt"
    FROM email_outbox WHERE "organizationId" = ${organizationId}
    ORDER BY "createdAt" DESC, id DESC
    LIMIT ${limit}`,
  );
}
