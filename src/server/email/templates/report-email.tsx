import { Body, Container, Head, Heading, Hr, Html, Preview, Text } from "@react-email/components";
import type { ReportFigures } from "@/server/db/stores/report-runs";
import { cardStyle, Labelled, pageStyle } from "./email-layout";

export interface ReportEmailProps extends ReportFigures {
  organizationName: string;
  cadence: "daily" | "weekly";
  periodLabel: string;
  deletedCount: number;
  attachment: { filename: string; rows: number; capped: boolean; cap: number };
  /** The signed audit chain head when the report was sent, also attached (docs/audit.md#checkpoint). */
  checkpoint: { filename: string; json: string };
}

const figure = { margin: "0 0 12px", fontSize: "20px", fontWeight: 600 };
const note = { color: "#6b7280", fontSize: "13px" };
const code = { fontFamily: "Menlo, Consolas, monospace", fontSize: "12px", whiteSpace: "pre-wrap" as const };

/** The compliance report (docs/behaviour.md#reporting): figures for the period; the audit rows are attached. */
export function ReportEmail(props: ReportEmailProps) {
  const { attachment } = props;
  return (
    <Html lang="en">
      <Head />
      <Preview>
        {`${props.organizationName}: ${props.totalActions} remediation actions, ${props.failedActions} failed`}
      </Preview>
      <Body style={pageStyle}>
        <Container style={cardStyle}>
          <Heading as="h1" style={{ fontSize: "22px", margin: "0 0 4px" }}>
            Remediation report
          </Heading>
          <Text style={{ margin: "0 0 16px", color: "#374151" }}>
            {`${props.organizationName} · ${props.cadence} report · ${props.periodLabel}`}
          </Text>
          <Hr />
          <Labelled style={figure} name="Actions created in the period" value={props.totalActions} />
          <Labelled style={figure} name="Failed actions created in the period" value={props.failedActions} />
          <Labelled style={figure} name="Pending approvals now" value={props.pendingApprovals} />
          <Labelled style={figure} name="Queued executions now" value={props.queuedExecutions} />
          <Labelled style={figure} name="Guardrail overrides in the period" value={props.overridesInPeriod} />
          <Labelled style={figure} name="Override reviews open now" value={props.overrideReviewsPending} />
          <Labelled
            style={figure}
            name="Overrides flagged by reviewers in the period"
            value={props.overrideReviewsFlagged}
          />
          <Labelled style={figure} name="Audit rows removed by retention in this run" value={props.deletedCount} />
          <Hr />
          <Text style={note}>
            {attachment.capped
              ? `The attached ${attachment.filename} holds the newest ${attachment.cap} of the period's audit rows (capped at ${attachment.cap}); export the full audit trail from the control center.`
              : `The attached ${attachment.filename} holds the period's ${attachment.rows} audit ${attachment.rows === 1 ? "row" : "rows"}.`}
          </Text>
          <Text style={note}>
            {`Audit checkpoint (also attached as ${props.checkpoint.filename}): keep it to prove later that the audit trail you export still contains everything up to this point — npm run audit:verify -- <export> --checkpoint ${props.checkpoint.filename}`}
          </Text>
          <Text style={code}>{props.checkpoint.json}</Text>
        </Container>
      </Body>
    </Html>
  );
}
