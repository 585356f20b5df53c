// Test helpers for the remediation tests (not a test file itself): principals, callers, REST
// requests with real bearer tokens, seeded incidents/actions and pg-boss job counts.
import type { z } from "zod";
import { PERMISSIONS, type Permission } from "@/lib/permissions";
import { signToken } from "@/server/auth/bearer";
import type { Principal } from "@/server/auth/principal-types";
import { db } from "@/server/db/client";
import { handleRest } from "@/server/rest/handler";
import { createCaller } from "@/server/root";
import type { actionRequestInput } from "@/lib/action-request";

export const ALL_PERMISSIONS: Permission[] = [...PERMISSIONS];

export function principalFor(
  organizationId: string,
  permissions: readonly string[] = ALL_PERMISSIONS,
  userId = "user-1",
): Principal {
  return { userId, organizationId, permissions: [...permissions], via: "token" };
}

export function callerFor(
  organizationId: string,
  options: { permissions?: readonly string[]; userId?: string; headers?: Record<string, string> } = {},
) {
  return createCaller({
    principal: principalFor(organizationId, options.permissions, options.userId),
    headers: new Headers(options.headers),
  });
}

export async function seedIncident(organizationId: string, overrides: { environment?: string } = {}): Promise<string> {
  const incident = await db().incident.create({
    data: {
      organizationId,
      title: "API latency",
      serviceName: "api-gateway",
      environment: overrides.environment ?? "production",
      severity: "HIGH",
    },
  });
  return incident.id;
}

export interface SeedSpec {
  count: number;
  status: string;
  environment?: string;
  incidentId: string;
  /** createdAt of the first row; row i is `i` seconds older. */
  createdAt?: Date;
  /** updatedAt of every row (default: createdAt). */
  updatedAt?: Date;
  actionType?: string;
  serviceName?: string | null;
  details?: unknown;
  error?: string | null;
}

/** Inserts rows with one INSERT … SELECT generate_series (the counters trigger keeps counts). */
export async function seedActions(organizationId: string, spec: SeedSpec): Promise<void> {
  const createdAt = spec.createdAt ?? new Date();
  await db().$executeRaw`
    INSERT INTO remediation_actions
      (id, "organizationId", "incidentId", "actionType", parameters, "serviceName", environment, severity,
       status, "performedBy", details, error, "createdAt", "updatedAt")
    SELECT gen_random_uuid(), ${organizationId}, ${spec.incidentId}::uuid, ${spec.actionType ?? "restart-service"},
           '{"service":"api-gateway"}'::jsonb, ${spec.serviceName === undefined ? "api-gateway" : spec.serviceName},
           ${spec.environment ?? "production"}, 'HIGH'::"Severity", ${spec.status}::"ActionStatus", 'seed-user',
           ${JSON.stringify(spec.details ?? {})}::jsonb, ${spec.error ?? null},
           ${createdAt}::timestamptz - make_interval(secs => g),
           COALESCE(${spec.updatedAt ?? null}::timestamptz, ${createdAt}::timestamptz - make_interval(secs => g))
    FROM generate_series(0, ${spec.count - 1}) AS g`;
}

/** pg-boss jobs (any state) carrying this action id. */
export async function jobCount(actionId: string): Promise<number> {
  const rows = await db().$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'actionId' = ${actionId}`;
  return rows[0]?.n ?? 0;
}

export async function eventTypes(actionId: string): Promise<string[]> {
  const rows = await db().remediationEvent.findMany({ where: { actionId }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => r.type);
}

export async function bearer(organizationId: string, permissions: readonly string[] = ALL_PERMISSIONS, sub = "user-1") {
  return `Bearer ${await signToken({ sub, organizationId, permissions, ttlSeconds: 300 })}`;
}

/** One REST call through the real adapter; `auth: null` sends no Authorization header. */
export async function rest(
  method: string,
  path: string,
  options: { auth?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth) headers.authorization = options.auth;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["content-type"] = "application/json";
  }
  return handleRest(new Request(`http://test${path}`, { method, headers, body }));
}

/** A valid request body (staging, no approval needed); overrides may be invalid on purpose. */
export function requestBody(
  incidentId: string,
  overrides: Record<string, unknown> = {},
): z.input<typeof actionRequestInput> {
  return {
    incidentId,
    actionType: "restart-service",
    parameters: { service: "api-gateway" },
    environment: "staging",
    severity: "HIGH",
    ...overrides,
  } as z.input<typeof actionRequestInput>;
}
