import type { ActionEventType } from "@/server/db/stores/events";
import { QUEUED_REASON } from "@/server/policy/evaluate-policy";

// Fourteen days of plausible past work for the demo organization (docs/behaviour.md#demo-data):
// incidents across several services and environments, and the actions taken on them, with the
// events each would have written (approved, rejected, overridden during a freeze, failed,
// completed). Pure data from a seeded generator: the same `now` gives the same history.

export const HISTORY_DAYS = 14;

interface ServiceProfile {
  serviceName: string;
  environment: string;
  severity: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  titles: readonly string[];
  fixes: readonly { actionType: string; parameters: Record<string, unknown> }[];
}

const SERVICES: readonly ServiceProfile[] = [
  {
    serviceName: "api-gateway",
    environment: "production",
    severity: "HIGH",
    titles: ["api-gateway 5xx above 5%", "api-gateway pods OOM-killed", "api-gateway latency p99 over 1.5 s"],
    fixes: [
      { actionType: "restart-service", parameters: { service: "api-gateway" } },
      { actionType: "scale-service", parameters: { service: "api-gateway", replicas: 8 } },
    ],
  },
  {
    serviceName: "payments",
    environment: "production",
    severity: "CRITICAL",
    titles: ["payments: card authorizations timing out", "payments queue backlog over 10k"],
    fixes: [
      { actionType: "rollback-deployment", parameters: { service: "payments", toRevision: "2026.11.20-2" } },
      { actionType: "restart-service", parameters: { service: "payments" } },
    ],
  },
  {
    serviceName: "checkout",
    environment: "staging",
    severity: "MEDIUM",
    titles: ["checkout latency p99 over 2 s", "checkout pricing cache stale"],
    fixes: [
      { actionType: "scale-service", parameters: { service: "checkout", replicas: 6 } },
      { actionType: "clear-cache", parameters: { service: "checkout", cacheKey: "pricing:*" } },
    ],
  },
  {
    serviceName: "search-indexer",
    environment: "production",
    severity: "HIGH",
    titles: ["search indexer lagging 30 min", "search indexer stuck on a poison message"],
    fixes: [
      { actionType: "run-runbook", parameters: { runbook: "skip-poison-message", args: { partition: 3 } } },
      { actionType: "restart-service", parameters: { service: "search-indexer" } },
    ],
  },
  {
    serviceName: "notifications",
    environment: "development",
    severity: "LOW",
    titles: ["notifications worker crash loop", "notifications template render errors"],
    fixes: [
      { actionType: "restart-service", parameters: { service: "notifications" } },
      { actionType: "toggle-feature-flag", parameters: { flag: "digest-v2", enabled: false } },
    ],
  },
];

type Outcome = "COMPLETED" | "FAILED" | "REJECTED" | "OVERRIDDEN";

export interface HistoryEvent {
  type: ActionEventType;
  /** A demo user's id, or "system". */
  actor: string;
  data: Record<string, unknown>;
  at: Date;
}

export interface HistoryIncident {
  externalId: string;
  title: string;
  serviceName: string;
  environment: string;
  severity: ServiceProfile["severity"];
  summary: string;
  createdAt: Date;
  action: {
    actionType: string;
    parameters: Record<string, unknown>;
    status: "COMPLETED" | "FAILED" | "REJECTED";
    details: Record<string, unknown>;
    error: string | null;
    attempts: number;
    createdAt: Date;
    updatedAt: Date;
    events: HistoryEvent[];
  };
}

/** mulberry32: a small seeded generator, so the history is the same on every fresh start. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
const FREEZE_REASON = "quarter-end change freeze";
const EXECUTOR = "simulated";

function outcomeFor(needsApproval: boolean, roll: number): Outcome {
  if (!needsApproval) return roll < 0.8 ? "COMPLETED" : "FAILED";
  if (roll < 0.6) return "COMPLETED";
  if (roll < 0.75) return "FAILED";
  if (roll < 0.9) return "REJECTED";
  return "OVERRIDDEN";
}

/** The demo users who requested, approved and rejected (user ids). */
export interface HistoryPeople {
  requester: string;
  approver: string;
  admin: string;
}

/** The events and stored fields of one action of the past, from its request to its end. */
function pastAction(
  people: HistoryPeople,
  profile: ServiceProfile,
  fix: ServiceProfile["fixes"][number],
  requestedAt: Date,
  roll: () => number,
): HistoryIncident["action"] {
  const needsApproval = profile.environment === "production";
  const outcome = outcomeFor(needsApproval, roll());
  const freezeEnd = new Date(requestedAt.getTime() + 120 * MINUTE).toISOString();
  const freeze =
    outcome === "OVERRIDDEN"
      ? `Environment production is in a change freeze until ${freezeEnd}: ${FREEZE_REASON}.`
      : null;
  const reasons = needsApproval
    ? [...(freeze ? [freeze] : []), "Environment production requires approval."]
    : [QUEUED_REASON];
  const violations = freeze ? [freeze] : [];
  const policy = {
    outcome: needsApproval ? "PENDING_APPROVAL" : "QUEUED",
    reasons,
    violations,
    matchedRules: needsApproval ? ["organization requireApprovalEnvironments includes production"] : [],
    version: 0,
  };
  const events: HistoryEvent[] = [
    {
      type: "REQUESTED",
      actor: people.requester,
      data: { status: policy.outcome, reasons, violations },
      at: requestedAt,
    },
  ];
  const details: Record<string, unknown> = { policy };
  let t = requestedAt.getTime();
  if (needsApproval) {
    // Decided 2–45 minutes after the request: what the decision-time panel measures.
    t += Math.round((2 + roll() * 43) * MINUTE);
    const at = new Date(t);
    if (outcome === "REJECTED") {
      const reason = "Not during peak traffic; the on-call lead will retry after 18:00 UTC.";
      events.push({ type: "REJECTED", actor: people.admin, data: { reason }, at });
      details.rejection = { actor: people.admin, reason, at: at.toISOString(), priorPolicy: policy };
      return {
        ...fix,
        status: "REJECTED",
        details,
        error: null,
        attempts: 0,
        createdAt: requestedAt,
        updatedAt: at,
        events,
      };
    }
    const override = outcome === "OVERRIDDEN";
    const reason = override
      ? "Customer-facing outage; freeze exception approved by the incident commander."
      : "Approved from remediation control center.";
    events.push(
      override
        ? { type: "OVERRIDDEN", actor: people.approver, data: { reason, violations, detail: freeze, approvals: 1 }, at }
        : { type: "APPROVED", actor: people.approver, data: { reason, approvals: 1 }, at },
    );
    const vote = { actor: people.approver, reason, at: at.toISOString() };
    details.approval = { ...vote, override, violations, votes: [vote] };
  }
  t += 2_000 + Math.round(roll() * 3_000);
  const startedAt = new Date(t);
  events.push({ type: "EXECUTION_STARTED", actor: "system", data: { executor: EXECUTOR, attempt: 1 }, at: startedAt });
  const durationMs = 4_000 + Math.round(roll() * 50_000);
  const finishedAt = new Date(t + durationMs);
  const failed = outcome === "FAILED";
  const error = failed ? "Webhook answered 502: deployment controller unavailable" : null;
  events.push(
    failed
      ? { type: "EXECUTION_FAILED", actor: "system", data: { attempt: 1, executor: EXECUTOR, error }, at: finishedAt }
      : {
          type: "EXECUTION_SUCCEEDED",
          actor: "system",
          data: { attempt: 1, executor: EXECUTOR, durationMs },
          at: finishedAt,
        },
  );
  details.execution = {
    executor: EXECUTOR,
    attempts: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs,
    ...(failed ? { error } : { output: { ok: true } }),
  };
  return {
    ...fix,
    status: failed ? "FAILED" : "COMPLETED",
    details,
    error,
    attempts: 1,
    createdAt: requestedAt,
    updatedAt: finishedAt,
    events,
  };
}

/**
 * Three to five resolved incidents a day over the last `HISTORY_DAYS` days (ending an hour
 * before `now`), each with the one action taken on it.
 */
export function demoHistory(now: Date, people: HistoryPeople): HistoryIncident[] {
  const roll = random(20261130);
  const incidents: HistoryIncident[] = [];
  const dayStart = Math.floor(now.getTime() / (1440 * MINUTE)) * 1440 * MINUTE;
  for (let day = HISTORY_DAYS; day >= 1; day--) {
    const perDay = 3 + Math.floor(roll() * 3);
    for (let i = 0; i < perDay; i++) {
      const profile = SERVICES[Math.floor(roll() * SERVICES.length)]!;
      const fix = profile.fixes[Math.floor(roll() * profile.fixes.length)]!;
      const createdAt = new Date(dayStart - day * 1440 * MINUTE + Math.round((1 + roll() * 22) * 60) * MINUTE);
      if (createdAt.getTime() > now.getTime() - 60 * MINUTE) continue;
      const title = profile.titles[Math.floor(roll() * profile.titles.length)]!;
      incidents.push({
        externalId: `INC-${900 + incidents.length}`,
        title,
        serviceName: profile.serviceName,
        environment: profile.environment,
        severity: profile.severity,
        summary: `Resolved. ${title} (${profile.environment}).`,
        createdAt,
        action: pastAction(
          people,
          profile,
          fix,
          new Date(createdAt.getTime() + Math.round(roll() * 8 + 1) * MINUTE),
          roll,
        ),
      });
    }
  }
  return incidents;
}
