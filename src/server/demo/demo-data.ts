import type { RoleName } from "@/lib/permissions";
import type { Severity } from "@/lib/schemas";

// The demo's people and incidents, as data only (no database, no server imports): seed-demo.ts
// writes them into the demo organization, and the e2e fixtures (e2e/fixtures/) sign in as the
// demo users and seed their per-test organizations from the same definitions.

/** Documented in the README; the demo database is local-only (never seeded in production unless asked). */
export const DEMO_PASSWORD = "demo-password";

export interface DemoUser {
  readonly email: string;
  readonly name: string;
  readonly role: RoleName;
}

/**
 * The demo organization's accounts (and the names of the e2e users), one per role plus a second
 * operator: with separation of duties on, the operator who requested an action cannot approve it,
 * and a quorum needs more than one approver (docs/behaviour.md#governance).
 */
export const DEMO_USERS = {
  admin: { email: "admin@demo.local", name: "Ada Admin", role: "admin" },
  operator: { email: "operator@demo.local", name: "Oscar Operator", role: "operator" },
  operator2: { email: "operator2@demo.local", name: "Olga Operator", role: "operator" },
  viewer: { email: "viewer@demo.local", name: "Vera Viewer", role: "viewer" },
} as const satisfies Record<string, DemoUser>;

export type DemoUserKey = keyof typeof DEMO_USERS;

/** What an incident tool would POST to /incidents: the incident and its suggested fixes. */
interface IncidentTemplate {
  readonly externalId: string;
  readonly title: string;
  readonly serviceName: string;
  readonly environment: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly suggestions: readonly SuggestionTemplate[];
}

interface SuggestionTemplate {
  readonly title: string;
  readonly actionType: string;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly confidence?: number;
}

/** api-gateway in production: needs approval; "Page the network team" maps to no action type. */
const GATEWAY_ERRORS = {
  externalId: "INC-1001",
  title: "api-gateway 5xx rate above 12%",
  serviceName: "api-gateway",
  environment: "production",
  severity: "HIGH",
  summary: "Error rate climbed after the 06:00 deploy; upstream pods report OOM kills.",
  suggestions: [
    {
      title: "Restart api-gateway",
      actionType: "restart-service",
      parameters: { service: "api-gateway" },
      confidence: 0.82,
    },
    {
      title: "Roll back api-gateway to the previous revision",
      actionType: "rollback-deployment",
      parameters: { service: "api-gateway", toRevision: "2026.11.27-3" },
      confidence: 0.64,
    },
    { title: "Page the network team", actionType: "page-human", parameters: { team: "network" }, confidence: 0.2 },
  ],
} as const satisfies IncidentTemplate;

/** checkout in staging: runs without approval. */
const CHECKOUT_LATENCY = {
  externalId: "INC-1002",
  title: "checkout latency p99 over 2 s",
  serviceName: "checkout",
  environment: "staging",
  severity: "MEDIUM",
  summary: "Load test traffic saturates the checkout workers.",
  suggestions: [
    {
      title: "Scale checkout to 6 replicas",
      actionType: "scale-service",
      parameters: { service: "checkout", replicas: 6 },
      confidence: 0.77,
    },
    {
      title: "Clear the pricing cache",
      actionType: "clear-cache",
      parameters: { service: "checkout", cacheKey: "pricing:*" },
      confidence: 0.41,
    },
  ],
} as const satisfies IncidentTemplate;

const INDEXER_STUCK = {
  externalId: "INC-1003",
  title: "search indexer stuck on a poison message",
  serviceName: "search-indexer",
  environment: "production",
  severity: "CRITICAL",
  summary: "The indexer has not advanced its offset for 25 minutes.",
  suggestions: [
    {
      title: "Run the skip-poison-message runbook",
      actionType: "run-runbook",
      parameters: { runbook: "skip-poison-message", args: { partition: 7 } },
      confidence: 0.7,
    },
    {
      title: "Disable the new ranking flag",
      actionType: "toggle-feature-flag",
      parameters: { flag: "ranking-v2", enabled: false },
      confidence: 0.35,
    },
  ],
} as const satisfies IncidentTemplate;

/** The demo organization's incidents, by what they are about. */
export const DEMO_INCIDENTS = {
  gatewayErrors: GATEWAY_ERRORS,
  checkoutLatency: CHECKOUT_LATENCY,
  indexerStuck: INDEXER_STUCK,
} as const;
