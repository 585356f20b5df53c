import { Body, Button, Container, Head, Heading, Hr, Html, Preview, Section, Text } from "@react-email/components";

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

const body = { backgroundColor: "#f6f7f9", fontFamily: "Helvetica, Arial, sans-serif", color: "#111827" };
const card = {
  backgroundColor: "#ffffff",
  borderRadius: "8px",
  padding: "24px",
  margin: "24px auto",
  maxWidth: "560px",
};
const label = { margin: "0", color: "#6b7280", fontSize: "13px" };
const value = { margin: "0 0 10px", fontSize: "15px" };
const button = {
  backgroundColor: "#1d4ed8",
  color: "#ffffff",
  borderRadius: "6px",
  padding: "10px 16px",
  fontSize: "14px",
  fontWeight: 600,
};

function Row({ name, text }: { name: string; text: string }) {
  return (
    <Section>
      <Text style={label}>{name}</Text>
      <Text style={value}>{text}</Text>
    </Section>
  );
}

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
      <Body style={body}>
        <Container style={card}>
          <Heading as="h1" style={{ fontSize: "22px", margin: "0 0 4px" }}>
            {title}
          </Heading>
          <Text style={{ margin: "0 0 16px", color: "#374151" }}>
            {escalation
              ? `${props.organizationName}: this action has waited ${props.waited} for a decision. Find an approver, or decide whether the policy still fits.`
              : `${props.organizationName}: this action has waited ${props.waited} for an approver.`}
          </Text>
          <Hr />
          <Row name="Action" text={props.actionType} />
          <Row name="Service" text={props.serviceName ?? "—"} />
          <Row name="Environment" text={props.environment} />
          <Row name="Severity" text={props.severity} />
          <Row name="Incident" text={props.incidentTitle} />
          <Row name="Policy verdict" text={verdict} />
          <Row name="Requested by" text={props.requester} />
          <Row name="Waiting" text={props.waited} />
          <Hr />
          <Button href={props.link} style={button}>
            Review the action
          </Button>
          <Text style={{ ...label, marginTop: "12px" }}>{props.link}</Text>
        </Container>
      </Body>
    </Html>
  );
}
