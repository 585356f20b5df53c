import { Prisma } from "@/generated/prisma/client";
import { type ActionStatus, type Severity, TERMINAL_STATUSES } from "@/lib/schemas";

/** One remediation action as stored and returned (docs/behaviour.md#action). */
export interface ActionRecord {
  id: string;
  organizationId: string;
  incidentId: string;
  actionType: string;
  parameters: Record<string, unknown>;
  serviceName: string | null;
  environment: string;
  severity: Severity;
  status: ActionStatus;
  performedBy: string;
  details: Record<string, unknown>;
  error: string | null;
  /** Votes needed to queue it, fixed at request time (docs/behaviour.md#quorum). */
  requiredApprovals: number;
  /** When PENDING_APPROVAL ends as expired (docs/behaviour.md#expiry); null: never, or not pending at request. */
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The one SELECT list for an action row, shared by every read so the JSON shape is defined once.
 * Enums are cast to text; ids stay uuid (an `id::text AS id` alias would make `ORDER BY id` sort
 * text and skip the index); `attempts` is internal.
 */
/** `status IN (…)` of what retention may delete (COMPLETED, FAILED, REJECTED): its batches and its preview count. */
export const TERMINAL_STATUS_LIST = Prisma.join(TERMINAL_STATUSES.map((s) => Prisma.sql`${s}::"ActionStatus"`));

export const ACTION_COLUMNS = Prisma.sql`
  id, "organizationId", "incidentId", "actionType", parameters,
  "serviceName", environment, severity::text AS severity, status::text AS status, "performedBy",
  details, error, "requiredApprovals", "expiresAt", "createdAt", "updatedAt"`;

/**
 * WHERE for one action by primary key within its organization. The values go through an
 * InitPlan so the planner cannot see them: with a literal organization it estimated a new
 * organization (not yet in the statistics) at one row and scanned all of its actions through an
 * (organizationId, …) index instead of one key lookup (90 ms instead of 0.1 ms at 40k actions,
 * bench P5).
 */
export function actionByKey(organizationId: string, id: string): Prisma.Sql {
  return Prisma.sql`(id, "organizationId") = (SELECT ${id}::uuid, ${organizationId}::text)`;
}

export interface RawActionRow extends Omit<ActionRecord, "parameters" | "details" | "severity" | "status"> {
  parameters: unknown;
  details: unknown;
  severity: string;
  status: string;
}

const asObject = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * pg already decodes timestamptz columns to Dates; only a value read through JSON is a string.
 * No copy of a Date: under Next, `new Date` goes through its clock wrapper (bench P2).
 */
const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

export function toAction(row: RawActionRow): ActionRecord {
  return {
    id: row.id,
    organizationId: row.organizationId,
    incidentId: row.incidentId,
    actionType: row.actionType,
    parameters: asObject(row.parameters),
    serviceName: row.serviceName,
    environment: row.environment,
    severity: row.severity as Severity,
    status: row.status as ActionStatus,
    performedBy: row.performedBy,
    details: asObject(row.details),
    error: row.error,
    requiredApprovals: row.requiredApprovals,
    expiresAt: row.expiresAt === null ? null : asDate(row.expiresAt),
    createdAt: asDate(row.createdAt),
    updatedAt: asDate(row.updatedAt),
  };
}
