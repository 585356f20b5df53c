import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Text } from "@react-email/components";
import { cardStyle, Labelled, labelStyle, pageStyle } from "./email-layout";

export interface ApprovalNoticeEmailProps {
  kind: "REMINDER" | "ESCALATION";
  organizationName: string;
  actionType: string;
  serviceName: string | null;
  environment: string;
  severity: string;
  incidentTitle: string;
  /** What the policy said at request time: the guardrail violations, or the approval rules that matched. */
  verdict: { violations: string[]; reasons: string[] };
  waited: string;
  requester: string;
  link: string;
}

const value = { margin: "0 0 10px", fontSize: "15px" };
const button = {
  backgroundColor: "#1d4ed8",
  color: "#ffffff",
  borderRadius: "6px",
  padding: "10px 16px",
  fontSize: "14px",
  fontWeight: 600,
};

/** A reminder to the approvers, or an escalation to the policy owners (docs/behaviour.md#approval-reminders). */
export function ApprovalNoticeEmail(props: ApprovalNoticeEmailProps) {
  const escalation = props.kind === "ESCALATION";
  const title = escalation ? "Approval overdue — escalated" : "Approval waiting for you";
  const { violations, reasons } = props.verdict;
  const verdict =
    violations.length > 0
      ? `Policy violation — approving overrides it and needs a reason: ${violations.join(" ")}`
      : `Needs approval: ${(reasons.length > 0 ? reasons : ["Approval required by policy."]).join(" ")}`;
  return (
    <Html lang="en">
      <Head />
      <Preview>{`${props.actionType} on ${props.serviceName ?? "—"} (${props.environment}) has waited ${props.waited}`}</Preview>
      <Body style={pageStyle}>
        <Container style={cardStyle}>
          <Heading as="h1" style={{ fontSize: "22px", margin: "0 0 4px" }}>
            {title}
          </Heading>
          <Text style={{ margin: "0 0 16px", color: "#374151" }}>
            {escalation
              ? `${props.organizationName}: this action has waited ${props.waited} for a decision. Find an approver, or decide whether the policy still fits.`
              : `${props.organizationName}: this action has waited ${props.waited} for an approver.`}
          </Text>
          <Hr />
          <Labelled style={value} name="Action" value={props.actionType} />
          <Labelled style={value} name="Service" value={props.serviceName ?? "—"} />
          <Labelled style={value} name="Environment" value={props.environment} />
          <Labelled style={value} name="Severity" value={props.severity} />
          <Labelled style={value} name="Incident" value={props.incidentTitle} />
          <Labelled style={value} name="Policy verdict" value={verdict} />
          <Labelled style={value} name="Requested by" value={props.requester} />
          <Labelled style={value} name="Waiting" value={props.waited} />
          <Hr />
          <Button href={props.link} style={button}>
            Review the action
          </Button>
          <Text style={{ ...labelStyle, marginTop: "12px" }}>{props.link}</Text>
        </Container>
      </Body>
    </Html>
  );
}
