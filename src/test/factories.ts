// The test kit's factories: organizations, users, principals and tokens, incidents, actions in any
// status (optionally with their execution job), events. Everything goes through the stores and
// use-case helpers the product itself uses; each factory has defaults and takes overrides.
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import type { actionRequestInput } from "@/lib/action-request";
import { PERMISSIONS, ROLE_PERMISSIONS, type RoleName } from "@/lib/permissions";
import type { Severity } from "@/lib/schemas";
import { signToken } from "@/server/auth/bearer";
import { hashPassword } from "@/server/auth/password";
import type { Principal } from "@/server/auth/principal-types";
import { db, transaction } from "@/server/db/client";
import { newId } from "@/server/db/ids";
import { setIncidentState } from "@/server/db/simulate";
import { type ActionLoad, insertActions } from "@/server/db/stores/actions";
import { type ActionEventType, appendEvent } from "@/server/db/stores/events";
import { claimIdempotencyKey } from "@/server/db/stores/idempotency-keys";
import {
  type IncidentStatus,
  insertIncident,
  insertSuggestions,
  type SuggestionFields,
} from "@/server/db/stores/incidents";
import { insertMembership } from "@/server/db/stores/memberships";
import { ensureOrganization } from "@/server/db/stores/organizations";
import { insertUser } from "@/server/db/stores/users";
import { enqueueExecution, ensureExecuteQueue } from "@/server/execution/queue";

export const ALL_PERMISSIONS: readonly string[] = PERMISSIONS;
const DEFAULT_USER_ID = "user-1";

// ── organizations, users, principals, tokens ─────────────────────────────────────────────────

/** A fresh organization (`<prefix>-<random>`): each test its own, inside the file's database. */
export async function createOrganization(prefix = "org", overrides: { id?: string; name?: string } = {}) {
  const id = overrides.id ?? `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureOrganization(db(), id, overrides.name ?? `Test ${id}`);
  return id;
}

const DEFAULT_PASSWORD = "test-password";
let defaultPasswordHash: Promise<string> | undefined;

interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
  role: RoleName;
  organizationId: string | null;
}

/**
 * A user who signs in with `password` and is a member of the organization with `role` (of none
 * when `organizationId` is null; addMembership adds more).
 */
export async function createUser(
  organizationId: string | null,
  overrides: { role?: RoleName; email?: string; name?: string; password?: string } = {},
): Promise<TestUser> {
  const role = overrides.role ?? "operator";
  const password = overrides.password ?? DEFAULT_PASSWORD;
  // bcrypt is slow on purpose; the default password is hashed once per test file.
  if (password === DEFAULT_PASSWORD) defaultPasswordHash ??= hashPassword(password);
  const passwordHash = await (password === DEFAULT_PASSWORD ? defaultPasswordHash! : hashPassword(password));
  const email = overrides.email ?? `${role}-${randomUUID().slice(0, 8)}@test.local`;
  const name = overrides.name ?? `Test ${role}`;
  const id = await transaction(db(), async (tx) => {
    const userId = await insertUser(tx, { email, name, passwordHash });
    if (organizationId) await insertMembership(tx, organizationId, { userId, role });
    return userId;
  });
  return { id, email, name, password, role, organizationId };
}

/** Makes an existing user a member of another organization too. */
export async function addMembership(organizationId: string, userId: string, role: RoleName): Promise<void> {
  await insertMembership(db(), organizationId, { userId, role });
}

export interface PrincipalOverrides {
  /** Default: every permission (or the role's, when `role` is given). */
  permissions?: readonly string[];
  role?: RoleName;
  userId?: string;
  email?: string;
  /** Default "token" (an API client); "session" is a signed-in browser user. */
  via?: Principal["via"];
}

export function principalFor(organizationId: string, overrides: PrincipalOverrides = {}): Principal {
  const permissions = overrides.permissions ?? (overrides.role ? ROLE_PERMISSIONS[overrides.role] : ALL_PERMISSIONS);
  return {
    userId: overrides.userId ?? DEFAULT_USER_ID,
    organizationId,
    permissions: [...permissions],
    ...(overrides.role ? { role: overrides.role } : {}),
    ...(overrides.email ? { email: overrides.email } : {}),
    via: overrides.via ?? "token",
  };
}

/** A real API token (HS256, AUTH_SECRET) for the organization. */
export function tokenFor(
  organizationId: string,
  overrides: { permissions?: readonly string[]; sub?: string; ttlSeconds?: number } = {},
): Promise<string> {
  return signToken({
    sub: overrides.sub ?? DEFAULT_USER_ID,
    organizationId,
    permissions: overrides.permissions ?? ALL_PERMISSIONS,
    ttlSeconds: overrides.ttlSeconds ?? 300,
  });
}

/**
 * REST auth (`rest(…, { auth })`) for an approver other than the requester (`user-1` unless a
 * test says otherwise): separation of duties is on by default (§13.2), so whoever approves must
 * be someone else. `n` tells several approvers apart (`approver-1`, `approver-2`, …).
 */
export function approverOf(organizationId: string, n = 1): { organizationId: string; sub: string } {
  return { organizationId, sub: approverId(n) };
}

/** The user id (`sub`) of approver `n`: `approver-<n>`. */
export function approverId(n = 1): string {
  return `approver-${n}`;
}

/** `Bearer <token>`: the Authorization header value. */
export async function bearer(
  organizationId: string,
  overrides: { permissions?: readonly string[]; sub?: string; ttlSeconds?: number } = {},
): Promise<string> {
  return `Bearer ${await tokenFor(organizationId, overrides)}`;
}

// ── incidents ────────────────────────────────────────────────────────────────────────────────

interface IncidentOverrides {
  title?: string;
  serviceName?: string;
  environment?: string;
  severity?: Severity;
  summary?: string | null;
  externalId?: string | null;
  suggestions?: Partial<SuggestionFields>[];
  /** Default OPEN. */
  status?: IncidentStatus;
  /** When other than now (an incident of the past). */
  createdAt?: Date;
}

function incidentFields(overrides: IncidentOverrides) {
  return {
    title: overrides.title ?? "API latency",
    serviceName: overrides.serviceName ?? "api-gateway",
    environment: overrides.environment ?? "production",
    severity: overrides.severity ?? "HIGH",
    summary: overrides.summary ?? null,
    externalId: overrides.externalId ?? null,
  };
}

/** The store's insert, for a test that expects its incident to be new (an externalId not taken). */
async function insertNewIncident(...args: Parameters<typeof insertIncident>): Promise<string> {
  const id = await insertIncident(...args);
  if (!id) throw new Error(`incident externalId ${args[2].externalId} is already taken in ${args[1]}`);
  return id;
}

/** An incident with its suggestions (none unless given); returns its id. */
export async function createIncident(organizationId: string, overrides: IncidentOverrides = {}): Promise<string> {
  const id = await transaction(db(), async (tx) => {
    const id = await insertNewIncident(tx, organizationId, incidentFields(overrides));
    const suggestions = (overrides.suggestions ?? []).map((s) => ({
      title: s.title ?? "Restart the service",
      description: s.description ?? null,
      actionType: s.actionType ?? "restart-service",
      parameters: s.parameters ?? { service: overrides.serviceName ?? "api-gateway" },
      confidence: s.confidence ?? null,
    }));
    await insertSuggestions(tx, organizationId, id, suggestions);
    return id;
  });
  if (overrides.status || overrides.createdAt) {
    await setIncidentState(organizationId, id, { status: overrides.status, createdAt: overrides.createdAt });
  }
  return id;
}

/** `count` OPEN incidents without suggestions ("incident 1", …), in one transaction; ids in order. */
export async function createIncidents(
  organizationId: string,
  count: number,
  overrides: Omit<IncidentOverrides, "externalId" | "suggestions" | "status" | "createdAt"> = {},
): Promise<string[]> {
  return transaction(db(), async (tx) => {
    const ids: string[] = [];
    for (let i = 1; i <= count; i++) {
      ids.push(await insertNewIncident(tx, organizationId, incidentFields({ title: `incident ${i}`, ...overrides })));
    }
    return ids;
  });
}

// ── actions and events ───────────────────────────────────────────────────────────────────────

/**
 * Any field of the stored action (`policyVersion`: the version that judged it, default null = made
 * before versions existed); plus the job and events to create with it.
 */
export interface ActionOverrides extends Partial<ActionLoad> {
  /** Insert its execution job in the same transaction, as the request/approve use cases do. */
  enqueue?: boolean;
  /** Its audit events, appended in this order (a type alone: actor performedBy, no data). */
  events?: readonly (ActionEventType | { type: ActionEventType; actor?: string; data?: Record<string, unknown> })[];
}

/** Many actions: row i is `i` seconds older than `createdAt` (default now); `each(i)` overrides one row. */
interface ActionBatch extends Omit<ActionOverrides, "id"> {
  count: number;
  each?: (index: number) => ActionOverrides;
}

const CHUNK = 5_000;

function actionRow(incidentId: string, o: ActionOverrides): ActionLoad {
  return {
    id: o.id ?? newId(o.createdAt),
    incidentId: o.incidentId ?? incidentId,
    actionType: o.actionType ?? "restart-service",
    parameters: o.parameters ?? { service: "api-gateway" },
    serviceName: o.serviceName === undefined ? "api-gateway" : o.serviceName,
    environment: o.environment ?? "production",
    severity: o.severity ?? "HIGH",
    status: o.status ?? "QUEUED",
    attempts: o.attempts ?? 0,
    lostAttempts: o.lostAttempts ?? 0,
    performedBy: o.performedBy ?? DEFAULT_USER_ID,
    details: o.details ?? {},
    error: o.error ?? null,
    ...(o.createdAt ? { createdAt: o.createdAt } : {}),
    ...(o.updatedAt ? { updatedAt: o.updatedAt } : {}),
    ...(o.requiredApprovals !== undefined ? { requiredApprovals: o.requiredApprovals } : {}),
    ...(o.expiresAt !== undefined ? { expiresAt: o.expiresAt } : {}),
    ...(o.policyVersion !== undefined ? { policyVersion: o.policyVersion } : {}),
  };
}

function batchRows({ count, each, createdAt, ...shared }: ActionBatch): ActionOverrides[] {
  const newest = (createdAt ?? new Date()).getTime();
  return Array.from({ length: count }, (_, i) => ({ ...shared, createdAt: new Date(newest - i * 1000), ...each?.(i) }));
}

/**
 * Actions in any status, through the actions store (the counters trigger counts them). Rows
 * without an `incidentId` get one new incident. `rows` one by one, or a batch (`count`).
 * Returns the ids in row order.
 */
export async function createActions(organizationId: string, spec: ActionBatch | ActionOverrides[]): Promise<string[]> {
  const perRow = Array.isArray(spec) ? spec : batchRows(spec);
  const incidentId = perRow.every((r) => r.incidentId) ? "" : await createIncident(organizationId);
  const rows = perRow.map((r) => actionRow(incidentId, r));
  if (perRow.some((r) => r.enqueue)) await ensureExecuteQueue();
  for (let start = 0; start < rows.length; start += CHUNK) {
    await transaction(db(), async (tx) => {
      const chunk = rows.slice(start, start + CHUNK);
      await insertActions(tx, organizationId, chunk);
      for (const [i, row] of chunk.entries()) {
        const overrides = perRow[start + i]!;
        for (const event of overrides.events ?? []) {
          const { type, actor = row.performedBy, data } = typeof event === "string" ? { type: event } : event;
          await appendEvent(tx, organizationId, { actionId: row.id, type, actor, ...(data ? { data } : {}) });
        }
        if (overrides.enqueue) await enqueueExecution(tx, { actionId: row.id, organizationId });
      }
    });
  }
  return rows.map((r) => r.id);
}

/** One action (default: QUEUED, production, restart-service of api-gateway, no job); its id. */
export async function createAction(organizationId: string, overrides: ActionOverrides = {}): Promise<string> {
  const [id] = await createActions(organizationId, [overrides]);
  return id!;
}

/** What a request by the default requester of a production action that needs approval records. */
const PENDING_POLICY = {
  outcome: "PENDING_APPROVAL",
  reasons: ["Environment production requires approval."],
  violations: [],
  matchedRules: ["organization requireApprovalEnvironments includes production"],
  version: 0,
};

/**
 * A PENDING_APPROVAL action (production, requested by `user-1` unless `performedBy` says
 * otherwise, with its REQUESTED event) that expired: requested `ttlMinutes + overdueMinutes`
 * minutes ago under a TTL of `ttlMinutes` (default 60 and 1), so `expiresAt` passed
 * `overdueMinutes` ago and no expiry schedule has run yet (§13.3).
 */
export function createExpiredAction(
  organizationId: string,
  {
    ttlMinutes = 60,
    overdueMinutes = 1,
    ...overrides
  }: ActionOverrides & { ttlMinutes?: number; overdueMinutes?: number } = {},
): Promise<string> {
  const createdAt = new Date(Date.now() - (ttlMinutes + overdueMinutes) * 60_000);
  return createAction(organizationId, {
    status: "PENDING_APPROVAL",
    details: { policy: PENDING_POLICY },
    events: ["REQUESTED"],
    createdAt,
    expiresAt: new Date(createdAt.getTime() + ttlMinutes * 60_000),
    ...overrides,
  });
}

/** An Idempotency-Key of the organization, as a request leaves it (claimed a day before it expires). */
export async function createIdempotencyKey(
  organizationId: string,
  key: { key: string; expiresAt: Date; requestHash?: string; actionId?: string },
): Promise<void> {
  await claimIdempotencyKey(db(), organizationId, {
    key: key.key,
    requestHash: key.requestHash ?? "h",
    actionId: key.actionId ?? randomUUID(),
    now: new Date(key.expiresAt.getTime() - 86_400_000),
    expiresAt: key.expiresAt,
  });
}

// ── request bodies ───────────────────────────────────────────────────────────────────────────

type ActionRequestBody = z.input<typeof actionRequestInput>;

/** A valid request body (staging, no approval needed); overrides may be invalid on purpose. */
export function requestBody(incidentId: string, overrides: Record<string, unknown> = {}): ActionRequestBody {
  return {
    incidentId,
    actionType: "restart-service",
    parameters: { service: "api-gateway" },
    environment: "staging",
    severity: "HIGH",
    ...overrides,
  } as ActionRequestBody;
}
