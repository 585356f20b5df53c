import { z } from "zod";
import { uuidField } from "@/lib/action-request";
import { PENDING_QUEUE_PAGE_SIZE } from "@/lib/pending-queue";
import {
  actionStatusSchema,
  environmentSchema,
  incidentStatusSchema,
  limitSchema,
  queryField,
  reasonSchema,
  severitySchema,
} from "@/lib/schemas";

/** One remediation action as the API returns it (docs/behaviour.md#action). */
export const actionSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  incidentId: z.string(),
  actionType: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  serviceName: z.string().nullable(),
  environment: z.string(),
  severity: severitySchema,
  status: actionStatusSchema,
  performedBy: z.string(),
  details: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  requiredApprovals: z.number(),
  expiresAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ActionRow = z.output<typeof actionSchema>;

/** docs/behaviour.md#approval-context */
export const approvalContextSchema = z.object({
  version: z.string(),
  requiredApprovals: z.number(),
  approvals: z.array(z.object({ actor: z.string(), reason: z.string().nullable(), at: z.string() })),
  violations: z.array(z.string()),
  expiresAt: z.date().nullable(),
  basis: z.object({
    policyVersion: z.number(),
    incidentStatus: incidentStatusSchema,
    incidentSeverity: severitySchema,
  }),
});
export type ApprovalContext = z.output<typeof approvalContextSchema>;

/**
 * An action as the reads return it: PENDING_APPROVAL rows carry their approval context, others
 * null; every row its incident's title (null only if the incident no longer exists).
 */
export const listedActionSchema = actionSchema.extend({
  approvalContext: approvalContextSchema.nullable(),
  incidentTitle: z.string().nullable(),
});
export type ListedAction = z.output<typeof listedActionSchema>;

const eventSchema = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.string(),
  data: z.record(z.string(), z.unknown()),
  createdAt: z.date(),
  /** The event's place in the audit chain; null until sealed, moments after commit (docs/audit.md#chain). */
  seq: z.number().nullable(),
  hash: z.string().nullable(),
});

export const actionWithEventsSchema = listedActionSchema.extend({ events: z.array(eventSchema) });

export const requestActionOutput = z.object({ action: actionSchema, replayed: z.boolean() });

export const actionIdInput = z.object({ id: z.string() });

export const decisionInput = z.strictObject({ id: z.string(), reason: reasonSchema });

/**
 * `override` absent: the contract's rule, a reason overrides violations. `false`: a plain
 * approval that must not override (the Control Center's one-click approve sends its default
 * reason, which must not silently override a guardrail added since the page loaded).
 */
export const approveInput = decisionInput.extend({
  override: z.boolean().optional(),
  /**
   * The approval context version the approver was shown (docs/behaviour.md#approval-context). Any
   * string: one that is not the current version (malformed included) is simply stale → 409.
   */
  contextVersion: z.string().optional(),
});

export const approveOutput = z.union([
  z.object({
    status: z.literal("POLICY_VIOLATION"),
    violations: z.array(z.string()),
    detail: z.string(),
  }),
  z.object({
    status: actionStatusSchema,
    approvals: z.number().optional(),
    requiredApprovals: z.number().optional(),
  }),
]);

export const rejectOutput = z.object({ status: z.literal("REJECTED") });

const optionalFilters = {
  status: queryField(actionStatusSchema.optional()),
  environment: queryField(environmentSchema.optional()),
};

export const listActionsInput = z
  .object({
    ...optionalFilters,
    incidentId: queryField(uuidField("incidentId").optional()),
    limit: queryField(limitSchema(50, 500)),
  })
  .optional()
  .transform((v) => v ?? { limit: 50 });

/** The CSV export's largest `limit` (docs/behaviour.md#csv-export). */
export const EXPORT_MAX_LIMIT = 100_000;

export const exportActionsInput = z
  .object({ ...optionalFilters, limit: queryField(limitSchema(500, EXPORT_MAX_LIMIT)) })
  .optional()
  .transform((v) => v ?? { limit: 500 });

export const environmentFilterInput = z
  .object({ environment: queryField(environmentSchema.optional()) })
  .optional()
  .transform((v) => v ?? {});

export const historyInput = z.object({ incidentId: z.string() });

export const statsSchema = z.object({
  total: z.number(),
  pending: z.number(),
  queued: z.number(),
  executing: z.number(),
  completed: z.number(),
  failed: z.number(),
  rejected: z.number(),
  successRate: z.number(),
});

export const prioritySignalSchema = z.object({
  level: z.enum(["healthy", "warning", "critical"]),
  label: z.enum(["Healthy", "Warning", "Critical"]),
  reason: z.string(),
  pendingApprovals: z.number(),
  activeExecutions: z.number(),
  failedInLast24h: z.number(),
  overdueOverrideReviews: z.number(),
  /** Pending approvals now − 24 h ago; null with `?environment=` (docs/behaviour.md#priority-signal). */
  pendingChange24h: z.number().nullable(),
  /** failedInLast24h − the FAILED count of the 24 h before. */
  failedChange24h: z.number(),
});

export { AUDIT_CSV_COLUMNS as CSV_COLUMNS } from "@/server/db/stores/actions";
export const CSV_FILENAME = "remediation-audit-export.csv";

/** The pending queue's page (docs/behaviour.md#pending-queue): offset pagination, 25 rows by default. */
export const pendingQueueInput = z
  .strictObject({
    offset: z.number().int().min(0).max(1_000_000).default(0),
    limit: z.number().int().min(1).max(100).default(PENDING_QUEUE_PAGE_SIZE),
  })
  .optional()
  .transform((v) => v ?? { offset: 0, limit: PENDING_QUEUE_PAGE_SIZE });

const activeGuardrailSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("blocked"), environment: z.string() }),
  z.object({ kind: z.literal("freeze"), environment: z.string(), endsAt: z.string(), reason: z.string() }),
]);

export const pendingQueueSchema = z.object({
  /** Every PENDING_APPROVAL action of the organization (the counters), not the page's length. */
  total: z.number(),
  offset: z.number(),
  limit: z.number(),
  rows: z.array(
    listedActionSchema.extend({
      incidentTitle: z.string().nullable(),
      /** The guardrails in force on the action's environment now: what approving would override. */
      guardrails: z.array(activeGuardrailSchema),
    }),
  ),
});
export type PendingQueue = z.output<typeof pendingQueueSchema>;
