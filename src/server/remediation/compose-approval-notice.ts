import { render } from "@react-email/components";
import { createElement } from "react";
import type { ActionRecord, ApprovalNoticeKind } from "@/server/db/stores/actions";
import type { EmailMessage } from "@/server/email";
import { ApprovalNoticeEmail } from "@/server/email/templates/approval-notice-email";

export interface ApprovalNoticeInput {
  kind: ApprovalNoticeKind;
  from: string;
  appUrl: string;
  organizationName: string;
  action: ActionRecord;
  incidentTitle: string;
  /** Who requested it, as people know them (name and email), else the principal's id. */
  requester: string;
  /** When the notice was written: the waiting time is measured to it, so a retried email says the same. */
  notifiedAt: Date;
}

/** `45 minutes`, `2 h 5 min`, `1 day 3 h`: a waiting time for people. */
function waitedLabel(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  const label = `${days} ${days === 1 ? "day" : "days"}`;
  return hours % 24 === 0 ? label : `${label} ${hours % 24} h`;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** The action's page: its incident's history, scrolled to the action (docs/behaviour.md#approval-reminders). */
function actionLink(appUrl: string, action: Pick<ActionRecord, "id" | "incidentId">): string {
  return `${appUrl}/incidents/${action.incidentId}#action-${action.id}`;
}

/** Everything of a reminder or escalation email but `to`: one message is sent per recipient. */
export async function composeApprovalNotice(input: ApprovalNoticeInput): Promise<Omit<EmailMessage, "to">> {
  const { action } = input;
  const policy = (action.details.policy ?? {}) as { violations?: unknown; reasons?: unknown };
  const waited = waitedLabel(input.notifiedAt.getTime() - action.createdAt.getTime());
  const element = createElement(ApprovalNoticeEmail, {
    kind: input.kind,
    organizationName: input.organizationName,
    actionType: action.actionType,
    serviceName: action.serviceName,
    environment: action.environment,
    severity: action.severity,
    incidentTitle: input.incidentTitle,
    verdict: { violations: strings(policy.violations), reasons: strings(policy.reasons) },
    waited,
    requester: input.requester,
    link: actionLink(input.appUrl, action),
  });
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  const what = `${action.actionType} ${action.serviceName ?? ""} in ${action.environment}`.replace(/\s+/g, " ");
  const subject =
    input.kind === "ESCALATION"
      ? `Escalated: approval waiting ${waited}: ${what}`
      : `Approval waiting ${waited}: ${what}`;
  return { from: input.from, subject, html, text, attachments: [] };
}
