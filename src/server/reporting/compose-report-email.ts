import { render } from "@react-email/components";
import { createElement } from "react";
import type { Checkpoint } from "@/audit/chain";
import type { ReportCadence } from "@/lib/reporting-settings";
import type { EmailMessage } from "@/server/email";
import { ReportEmail } from "@/server/email/templates/report-email";
import {
  AUDIT_ATTACHMENT_FILENAME,
  AUDIT_ATTACHMENT_MAX_ROWS,
  type ReportFigures,
  type ReportPeriod,
} from "./report-contents";

export interface ReportEmailInput {
  from: string;
  organizationName: string;
  cadence: ReportCadence;
  period: ReportPeriod;
  figures: ReportFigures;
  deletedCount: number;
  audit: { csv: string; rows: number; capped: boolean };
  checkpoint: Checkpoint;
}

const CHECKPOINT_ATTACHMENT_FILENAME = "audit-checkpoint.json";

const day = (d: Date) => d.toISOString().slice(0, 10);
const minute = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function reportSubject(organizationName: string, period: ReportPeriod): string {
  return `Remediation report — ${organizationName} — ${day(period.start)} to ${day(period.end)}`;
}

/** Everything of the report email but `to`: one message is sent per recipient. */
export async function composeReportEmail(input: ReportEmailInput): Promise<Omit<EmailMessage, "to">> {
  const checkpointJson = JSON.stringify(input.checkpoint, null, 2);
  const element = createElement(ReportEmail, {
    organizationName: input.organizationName,
    cadence: input.cadence,
    periodLabel: `${minute(input.period.start)} to ${minute(input.period.end)}`,
    ...input.figures,
    deletedCount: input.deletedCount,
    attachment: {
      filename: AUDIT_ATTACHMENT_FILENAME,
      rows: input.audit.rows,
      capped: input.audit.capped,
      cap: AUDIT_ATTACHMENT_MAX_ROWS,
    },
    checkpoint: { filename: CHECKPOINT_ATTACHMENT_FILENAME, json: checkpointJson },
  });
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return {
    from: input.from,
    subject: reportSubject(input.organizationName, input.period),
    html,
    text,
    attachments: [
      {
        filename: AUDIT_ATTACHMENT_FILENAME,
        content: input.audit.csv,
        contentType: "text/csv; charset=utf-8",
      },
      { filename: CHECKPOINT_ATTACHMENT_FILENAME, content: `${checkpointJson}\n`, contentType: "application/json" },
    ],
  };
}
