import type { Readable } from "node:stream";
import { z } from "zod";
import { queryField } from "@/lib/schemas";

/** A signed checkpoint (docs/audit.md#checkpoint). */
export const checkpointSchema = z.object({
  organizationId: z.string(),
  seq: z.number(),
  hash: z.string(),
  issuedAt: z.string(),
  kid: z.string(),
  signature: z.string(),
});

/** A seq in a query: decimal digits only (no `0x2`, `1e1` or blanks), at least 1. */
const seqField = (name: string) =>
  queryField(
    z
      .string({ error: `${name} must be a number` })
      .regex(/^\d{1,15}$/, `${name} must be a positive integer`)
      .transform(Number)
      .pipe(z.number().min(1, `${name} must be at least 1`))
      .optional(),
  );

/** GET /remediation/audit/export?fromSeq=&toSeq= (both optional, fromSeq ≤ toSeq). */
export const auditExportInput = z
  .object({ fromSeq: seqField("fromSeq"), toSeq: seqField("toSeq") })
  .optional()
  .transform((v) => v ?? {})
  .superRefine((v, ctx) => {
    if (v.fromSeq !== undefined && v.toSeq !== undefined && v.fromSeq > v.toSeq) {
      ctx.addIssue({ code: "custom", path: ["fromSeq"], message: "fromSeq must not be greater than toSeq" });
    }
  });

/** The export's NDJSON bytes, streamed by the REST adapter. */
export const auditExportOutput = z.custom<Readable>(
  (v) => typeof (v as AsyncIterable<unknown> | null)?.[Symbol.asyncIterator] === "function",
  "Expected the export stream",
);
