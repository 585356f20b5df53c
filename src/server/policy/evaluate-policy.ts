import type { GlobalPolicy, Policy, QuorumRule } from "@/lib/policy-schema";
import type { Severity } from "@/lib/schemas";

/**
 * The one policy decision (docs/behaviour.md#policy), pure: request + organization policy + global lists +
 * clock → outcome. Used by POST /remediation/request, by approval (guardrails re-checked with the
 * current policy) and by POST /remediation/policy/evaluate, so their sentences never drift.
 *
 * Order: a denied action type short-circuits (BLOCKED: nothing else matters); otherwise
 * guardrails (blocked environments, active freeze windows) are violations and, like the approval
 * rules, make the action PENDING_APPROVAL; otherwise QUEUED.
 */

export type PolicyOutcome = "QUEUED" | "PENDING_APPROVAL" | "BLOCKED";

export interface PolicyRequest {
  actionType: string;
  environment: string;
  severity: Severity;
}

export interface PolicyEvaluation {
  outcome: PolicyOutcome;
  /** Every sentence that shaped the outcome (violations first, then approval rules). */
  reasons: string[];
  /** Denial or guardrail sentences only: what an approver must override. */
  violations: string[];
  /** `<global|organization> <list> includes|covers <value>` for every rule that matched. */
  matchedRules: string[];
  /** The violation sentences (else the reasons) + ` Policy match: ` + their matches. */
  detail: string;
}

interface Finding {
  sentence: string;
  matches: string[];
}

export const QUEUED_REASON = "Allowed by policy: no guardrail or approval rule matched.";

/** `detail` (docs/behaviour.md#policy): sentences joined by a space, then ` Policy match: a; b.` */
export function policyDetail(findings: Finding[]): string {
  const text = findings.map((f) => f.sentence).join(" ");
  const matches = unique(findings.flatMap((f) => f.matches));
  return matches.length > 0 ? `${text} Policy match: ${matches.join("; ")}.` : text;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** Which of the global and organization lists hold `value`, global first (it applies on top). */
function listMatches(
  value: string,
  list: string,
  global: readonly string[],
  organization: readonly string[],
): string[] {
  const out: string[] = [];
  if (global.includes(value)) out.push(`global ${list} includes ${value}`);
  if (organization.includes(value)) out.push(`organization ${list} includes ${value}`);
  return out;
}

/** A freeze window is active on [start, end) (`t` in epoch ms): it ends at `end` exactly. */
function freezeActive(window: Policy["freezeWindows"][number], environment: string, t: number): boolean {
  return window.environments.includes(environment) && Date.parse(window.start) <= t && t < Date.parse(window.end);
}

function activeFreezeWindows(policy: Policy, environment: string, now: Date): Policy["freezeWindows"] {
  const t = now.getTime();
  return policy.freezeWindows.filter((w) => freezeActive(w, environment, t));
}

function guardrailFindings(request: PolicyRequest, policy: Policy, global: GlobalPolicy, now: Date): Finding[] {
  const { environment } = request;
  const findings: Finding[] = [];
  const blocked = listMatches(
    environment,
    "blockedEnvironments",
    global.blockedEnvironments,
    policy.blockedEnvironments,
  );
  if (blocked.length > 0) {
    findings.push({ sentence: `Environment ${environment} is blocked from automated remediation.`, matches: blocked });
  }
  for (const window of activeFreezeWindows(policy, environment, now)) {
    findings.push({
      sentence: `Environment ${environment} is in a change freeze until ${window.end}: ${window.reason}.`,
      matches: [`organization freezeWindows covers ${environment}`],
    });
  }
  return findings;
}

/** A guardrail in force on an environment now, as data (the pending queue words it: docs/behaviour.md#pending-queue). */
export type ActiveGuardrail =
  | { kind: "blocked"; environment: string }
  | { kind: "freeze"; environment: string; endsAt: string; reason: string };

/** The guardrails the same rules as evaluatePolicy's violations find now: blocked first, then active freezes. */
export function activeGuardrails(
  environment: string,
  policy: Policy,
  global: GlobalPolicy,
  now: Date,
): ActiveGuardrail[] {
  const blocked =
    listMatches(environment, "blockedEnvironments", global.blockedEnvironments, policy.blockedEnvironments).length > 0;
  return [
    ...(blocked ? [{ kind: "blocked" as const, environment }] : []),
    ...activeFreezeWindows(policy, environment, now).map((w) => ({
      kind: "freeze" as const,
      environment,
      endsAt: new Date(w.end).toISOString(),
      reason: w.reason,
    })),
  ];
}

function approvalFindings(request: PolicyRequest, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  const { environment, severity, actionType } = request;
  if (policy.requireApprovalEnvironments.includes(environment)) {
    findings.push({
      sentence: `Environment ${environment} requires approval.`,
      matches: [`organization requireApprovalEnvironments includes ${environment}`],
    });
  }
  if (policy.requireApprovalSeverities.includes(severity)) {
    findings.push({
      sentence: `Severity ${severity} requires approval.`,
      matches: [`organization requireApprovalSeverities includes ${severity}`],
    });
  }
  if (policy.requireApprovalActionTypes.includes(actionType)) {
    findings.push({
      sentence: `Action type ${actionType} requires approval.`,
      matches: [`organization requireApprovalActionTypes includes ${actionType}`],
    });
  }
  return findings;
}

export function evaluatePolicy(
  request: PolicyRequest,
  policy: Policy,
  global: GlobalPolicy,
  now: Date = new Date(),
): PolicyEvaluation {
  const denied = listMatches(
    request.actionType,
    "deniedActionTypes",
    global.deniedActionTypes,
    policy.deniedActionTypes,
  );
  if (denied.length > 0) {
    const finding = { sentence: `Action type ${request.actionType} is denied by policy.`, matches: denied };
    return {
      outcome: "BLOCKED",
      reasons: [finding.sentence],
      violations: [finding.sentence],
      matchedRules: denied,
      detail: policyDetail([finding]),
    };
  }

  const guardrails = guardrailFindings(request, policy, global, now);
  const approvals = approvalFindings(request, policy);
  const all = [...guardrails, ...approvals];
  if (all.length === 0) {
    return { outcome: "QUEUED", reasons: [QUEUED_REASON], violations: [], matchedRules: [], detail: QUEUED_REASON };
  }
  return {
    outcome: "PENDING_APPROVAL",
    reasons: all.map((f) => f.sentence),
    violations: guardrails.map((f) => f.sentence),
    matchedRules: unique(all.flatMap((f) => f.matches)),
    detail: policyDetail(guardrails.length > 0 ? guardrails : approvals),
  };
}

/**
 * `evaluatePolicy(...).outcome` without its sentences, allocating nothing: the same rules in the
 * same order (denied → BLOCKED; a guardrail or an approval rule → PENDING_APPROVAL; else QUEUED),
 * `at` in epoch ms. The replay judges every request of a window twice with it
 * (docs/behaviour.md#policy-simulate); a property test holds it equal to evaluatePolicy.
 */
export function policyOutcome(request: PolicyRequest, policy: Policy, global: GlobalPolicy, at: number): PolicyOutcome {
  const { actionType, environment, severity } = request;
  if (global.deniedActionTypes.includes(actionType) || policy.deniedActionTypes.includes(actionType)) return "BLOCKED";
  if (
    global.blockedEnvironments.includes(environment) ||
    policy.blockedEnvironments.includes(environment) ||
    policy.requireApprovalEnvironments.includes(environment) ||
    policy.requireApprovalSeverities.includes(severity) ||
    policy.requireApprovalActionTypes.includes(actionType)
  ) {
    return "PENDING_APPROVAL";
  }
  // An indexed loop: `some` with a closure would allocate one per call.
  const windows = policy.freezeWindows;
  for (let i = 0; i < windows.length; i++) {
    if (freezeActive(windows[i]!, environment, at)) return "PENDING_APPROVAL";
  }
  return "QUEUED";
}

/** Does a quorum rule cover the request: every list it has holds the request's value. */
function quorumRuleMatches(rule: QuorumRule, request: PolicyRequest): boolean {
  return (
    (!rule.environments || rule.environments.includes(request.environment)) &&
    (!rule.severities || rule.severities.includes(request.severity)) &&
    (!rule.actionTypes || rule.actionTypes.includes(request.actionType))
  );
}

/**
 * How many distinct approvers must approve (docs/behaviour.md#quorum): the largest `approvals`
 * of the quorum rules the request matches, else 1. Quorum rules never make an action need
 * approval; they say how many approvals it needs when it does.
 */
export function requiredApprovals(request: PolicyRequest, policy: Pick<Policy, "quorumRules">): number {
  return policy.quorumRules.reduce(
    (most, rule) => (quorumRuleMatches(rule, request) ? Math.max(most, rule.approvals) : most),
    1,
  );
}

/** When a request pending approval now expires under the policy (null: never). */
export function pendingExpiry(policy: Pick<Policy, "pendingApprovalTtlMinutes">, requestedAt: Date): Date | null {
  const ttl = policy.pendingApprovalTtlMinutes;
  return ttl === null ? null : new Date(requestedAt.getTime() + ttl * 60_000);
}
