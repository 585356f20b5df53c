import { z } from "zod";
import { limitSchema } from "@/lib/schemas";
import type { Db } from "@/server/db/client";
import type { OrgScope } from "@/server/db/scoped";
import { listOutboxEmails } from "@/server/db/stores/email-outbox";

export const listOutboxInput = z
  .object({ limit: limitSchema(50, 200) })
  .optional()
  .transform((v) => v ?? { limit: 50 });

export const outboxEmailSchema = z.object({
  id: z.string(),
  reportRunId: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  /** Attachment names and sizes; the content stays in the table (a report CSV can be MBs). */
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), bytes: z.number().int() })),
  createdAt: z.date(),
});

interface StoredAttachment {
  filename?: string;
  contentType?: string;
  content?: string;
}

/** The organization's locally recorded emails, newest first (the embedded email adapter). */
export async function listOutbox(
  { db, scope }: { db: Db; scope: OrgScope },
  input: z.output<typeof listOutboxInput>,
): Promise<z.infer<typeof outboxEmailSchema>[]> {
  const rows = await listOutboxEmails(db, scope.organizationId, input.limit);
  return rows.map((row) => ({
    id: row.id,
    reportRunId: row.reportRunId,
    from: row.fromAddress,
    to: row.toAddress,
    subject: row.subject,
    html: row.html,
    text: row.text,
    attachments: ((row.attachments ?? []) as StoredAttachment[]).map((a) => ({
      filename: a.filename ?? "attachment",
      contentType: a.contentType ?? "application/octet-stream",
      bytes: Buffer.byteLength(a.content ?? "", "utf8"),
    })),
    createdAt: row.createdAt,
  }));
}
